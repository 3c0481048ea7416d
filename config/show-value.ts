import { looksLikeSecretValue } from "./secrets";

/**
 * Renders a value for an error message; credentials are never rendered. `key` names the setting,
 * so a public key in a public-key setting is shown rather than taken for a private one.
 */
export function showValue(value: unknown, key?: string): string {
  if (looksLikeSecretValue(value, key)) return "<redacted>";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `policy_waivers[0].reason`; a key that is not a plain identifier is quoted, so a blank or odd key stays visible. */
export function joinPath(path: readonly PropertyKey[]): string {
  const name = (part: PropertyKey): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(part)) ? String(part) : JSON.stringify(String(part)));
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? name(part) : `.${name(part)}`)).join("");
}
