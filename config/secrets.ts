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

/** True when a value looks like a credential, whatever key holds it. */
export function looksLikeSecretValue(value: unknown): boolean {
  if (typeof value === "string") return secretKindIn(value) !== undefined;
  if (Array.isArray(value)) return value.some(looksLikeSecretValue);
  if (value !== null && typeof value === "object") return Object.values(value).some(looksLikeSecretValue);
  return false;
}
