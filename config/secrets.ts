import type { Config } from "./config";
import { secretKindIn } from "./secret-patterns";

/**
 * Secrets are never read from the tfvars file: they would end up in git, in synthesized JSON
 * and in logs. They are sensitive Terraform variables, set as TF_VAR_<name> at deploy time.
 */

/** Secret inputs the stacks declare as sensitive Terraform variables. */
export const KNOWN_SECRET_VARIABLES = [
  "do_token",
  "spaces_access_id",
  "spaces_secret_key",
  "cloudflare_api_token",
  "cloudflare_tunnel_token",
] as const;

const SECRET_KEY_PATTERN = /(^|_)(token|secret|secret_key|password|passwd|private_key|api_key|access_key|access_id)(_|$)/;

/** True when a tfvars key names a credential. */
export function isSecretKey(key: string): boolean {
  return (KNOWN_SECRET_VARIABLES as readonly string[]).includes(key) || SECRET_KEY_PATTERN.test(key);
}

/**
 * tfvars keys whose values are public key material (`ssh_public_key`, `retired_ssh_public_keys`,
 * a host's `wireguard_public_key` and `ssh_host_key`): a WireGuard public key has exactly the
 * shape of a private one, so only the key that holds it tells them apart.
 */
export function isPublicKeyKey(key: string): boolean {
  return /(^|_)public_keys?$/.test(key) || key === "ssh_host_key";
}

/**
 * True when a value looks like a credential, whatever key holds it (`key` is the tfvars key
 * holding `value`). Under a public-key key, at any depth, only what no public key looks like
 * counts (a private key, a token).
 */
export function looksLikeSecretValue(value: unknown, key?: string): boolean {
  const publicKeyField = key !== undefined && isPublicKeyKey(key);
  if (typeof value === "string") return secretKindIn(value, { publicKeyField }) !== undefined;
  if (Array.isArray(value)) return value.some((item) => looksLikeSecretValue(item, key));
  if (value !== null && typeof value === "object") return Object.entries(value).some(([inner, item]) => looksLikeSecretValue(item, inner));
  return false;
}

/**
 * The public key material of a config: the deploy user's SSH public keys (current and retired) and
 * the hosts' SSH host keys, each whole and its base64 body, and every WireGuard public key.
 */
export function publicKeyValuesOf(config: Config): string[] {
  const sshKeys = [config.sshPublicKey, ...(config.retiredSshPublicKeys ?? []), ...config.hosts.flatMap((host) => (host.sshHostKey === undefined ? [] : [host.sshHostKey]))];
  const bodies = sshKeys.flatMap((key) => key.trim().split(/\s+/).slice(1, 2));
  return [...sshKeys, ...bodies, ...config.hosts.flatMap((host) => (host.mesh?.publicKey === undefined ? [] : [host.mesh.publicKey]))];
}
