/**
 * What credentials look like, by kind. Shared by the config loader (a secret pasted into a
 * tfvars file is refused) and the SEC-001 synth policy (nothing synthesized may hold one).
 * Detectors name the kind of secret; callers never echo the matched text.
 */
export interface SecretDetector {
  /** Human name of the credential kind, used in error reports. */
  readonly kind: string;
  readonly pattern: RegExp;
}

export const SECRET_DETECTORS: readonly SecretDetector[] = [
  // Personal access (dop_), OAuth (doo_) and refresh (dor_) tokens: 64 hex digits after the prefix.
  { kind: "DigitalOcean API token", pattern: /\bdo[opr]_v1_[0-9a-f]{20,}/ },
  { kind: "PEM private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  // A WireGuard key is 32 bytes of base64 (43 characters + "="); only a PrivateKey line is secret.
  { kind: "WireGuard private key", pattern: /PrivateKey\s*=\s*[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=/ },
  // Cloudflare API tokens are 40 URL-safe characters with no fixed prefix: recognised by the
  // variable or header that carries them, so hashes and ids elsewhere do not match.
  {
    kind: "Cloudflare API token",
    pattern: /(CLOUDFLARE_API_TOKEN|CF_API_TOKEN|CLOUDFLARE_DNS_API_TOKEN|api_token)["']?\s*[=:]\s*["']?[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])|Bearer [A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/,
  },
  // `cloudflared tunnel run --token eyJhIjoi...`: base64 of {"a":"<account>","t":"<tunnel>","s":"<secret>"}.
  { kind: "Cloudflare tunnel token", pattern: /\beyJhIjoi[A-Za-z0-9+/=_-]{60,}/ },
  { kind: "Cloudflare Origin CA key", pattern: /\bv1\.0-[0-9a-f]{24}-[0-9a-f]{100,}/ },
  { kind: "Cloudflare global API key", pattern: /(X-Auth-Key|CLOUDFLARE_API_KEY|CF_API_KEY)["']?\s*[=:]\s*["']?[0-9a-f]{37}\b/ },
];

/** The kind of credential a text holds, or undefined when it holds none. */
export function secretKindIn(text: string): string | undefined {
  return SECRET_DETECTORS.find((detector) => detector.pattern.test(text))?.kind;
}
