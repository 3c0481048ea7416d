import type { z } from "zod";
import type { ConfigIssue } from "./errors";
import type { SourceLocator } from "./locate";
import { joinPath, showValue } from "./show-value";
import { closestMatch } from "./suggest";

/** What a valid value looks like, for "is required but not set", by the setting's own name. */
const EXAMPLES: Readonly<Record<string, string>> = {
  project_name: '"shop" (2-24 lowercase letters, digits or dashes)',
  environment: '"production" (or "dev", "staging")',
  ssh_public_key: '"ssh-ed25519 AAAAC3Nza... you@laptop" (the content of your .pub file)',
  allowed_ssh_ips: '["203.0.113.7/32"] (the addresses allowed to reach SSH)',
  ssh_key_name: '"shop-deploy-key" (the key\'s name in DigitalOcean)',
  provider: '"ovh"',
  role: '"Mail and web services"',
  public_ipv4: '"198.51.100.20" (the server\'s public address)',
  port: "443",
  cidr: '"10.8.0.0/24"',
  zones: '{ "example.org" = {} }',
  name: '"www.example.org"',
  host: '"core-prod" (an entry of hosts)',
  ingress: '[{ hostname = "app.example.org", service = "http://localhost:8080" }]',
  hostname: '"app.example.org"',
  service: '"http://localhost:8080"',
  account_id: '"699d98642c564d2e855e9661899b7252" (32 hex digits, from the Cloudflare dashboard)',
  policy: '"CMP-002" (a policy id from the policy report)',
  resource: '"main-production/droplet/droplet" (as the policy report names it)',
  reason: '"Legacy monitoring agent needs this until it is replaced"',
};

type Path = (string | number)[];

/** Turns one zod issue into located, user-facing problems. */
export function schemaIssues(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  locator: SourceLocator,
  keysOf: (path: Path) => readonly string[],
): ConfigIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...(issue.path as Path), key];
      const suggestion = closestMatch(key, keysOf(issue.path as Path));
      const hint = suggestion === undefined ? "" : ` Did you mean ${suggestion}?`;
      return { key: joinPath(path), ...locator.key(path), problem: `is not a known setting.${hint} (see the config reference in README.md)` };
    });
  }
  const path = issue.path as Path;
  const value = valueAt(raw, path);
  const base = { key: joinPath(path), ...locator.value(path) };
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    const example = EXAMPLES[String(path[path.length - 1])];
    return [{ ...base, problem: example === undefined ? "is required but not set" : `is required but not set; e.g. ${String(path[path.length - 1])} = ${example}` }];
  }
  if (issue.code === "invalid_type") {
    const shown = { ...base, shownValue: showValue(value) };
    const problem = `expected ${describeType(issue.expected)}, got ${describeValue(value)}`;
    return [{ ...shown, problem: quotedLiteral(issue.expected, value) ? `${problem}: remove the quotes (write ${String(value).trim()}, not ${JSON.stringify(value)})` : problem }];
  }
  if (issue.code === "invalid_key") {
    return [{ key: joinPath(path), ...locator.key(path), problem: `has an invalid key: ${issue.issues.map((inner) => inner.message).join("; ")}` }];
  }
  if (issue.code === "invalid_value" && typeof value === "string") {
    const suggestion = closestMatch(value, issue.values.map(String));
    const hint = suggestion === undefined || suggestion === value ? "" : `. Did you mean "${suggestion}"?`;
    return [{ ...base, shownValue: showValue(value), problem: `${issue.message}${hint}` }];
  }
  return [{ ...base, ...(value === undefined ? {} : { shownValue: showValue(value, settingOf(path)) }), problem: issue.message }];
}

/** "true" where a boolean was expected, "443" where a number was. */
function quotedLiteral(expected: string, value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (expected === "boolean") return /^\s*(true|false)\s*$/.test(value);
  if (expected === "number" || expected === "int") return /^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(value);
  return false;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function describeType(expected: string): string {
  return expected === "array" ? "a list" : expected === "record" || expected === "object" ? "a map" : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/** The setting a path ends in (`retired_ssh_public_keys` for `retired_ssh_public_keys[0]`): it says whether a value is public key material. */
function settingOf(path: readonly PropertyKey[]): string {
  return String([...path].reverse().find((part) => typeof part === "string") ?? "");
}
