import type { z } from "zod";
import type { CloudflareConfig, Config, HostConfig } from "./config";
import { ConfigError, type ConfigIssue } from "./errors";
import { lineOfKey } from "./locate";
import { NESTED_KEYS, TFVARS_KEYS, tfvarsSchema, type Tfvars } from "./schema";
import { isSecretKey, looksLikeSecretValue } from "./secrets";
import { closestMatch } from "./suggest";

/**
 * Turns the parsed tfvars object into a Config, or throws one ConfigError listing every problem
 * with its file, line, key and value. Secret values are never echoed.
 */
export function validateTfvars(raw: Record<string, unknown>, source: string, displayName: string): Config {
  const issues: ConfigIssue[] = [...secretIssues(raw, source), ...literalIssues(raw, source)];
  const flagged = new Set(issues.map((issue) => issue.key.split(/[.[]/)[0]));
  const withoutFlagged = Object.fromEntries(Object.entries(raw).filter(([key]) => !flagged.has(key)));
  const result = tfvarsSchema.safeParse(withoutFlagged);
  if (!result.success) {
    // A refused secret was removed before parsing: do not also call it "required but not set".
    const unflagged = result.error.issues.filter((issue) => !flagged.has(String(issue.path[0] ?? "")));
    issues.push(...unflagged.flatMap((issue) => schemaIssues(issue, withoutFlagged, source)));
  }
  if (issues.length > 0 || !result.success) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.key.localeCompare(b.key));
    throw new ConfigError(displayName, issues);
  }
  return toConfig(result.data);
}

function secretIssues(raw: Record<string, unknown>, source: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (isSecretKey(key)) {
      issues.push({
        key,
        line: lineOfKey(source, [key]),
        problem: `is a secret and must not be stored in a tfvars file; remove it and export TF_VAR_${key} at deploy time (it is a sensitive Terraform variable)`,
      });
    } else if (looksLikeSecretValue(value)) {
      issues.push({
        key,
        line: lineOfKey(source, [key]),
        problem: "holds what looks like a credential (API token or private key); secrets belong in TF_VAR_ variables, never in this file",
      });
    }
  }
  return issues;
}

/** tfvars values are literals: Terraform itself refuses `${...}` there, so do we. */
function literalIssues(raw: Record<string, unknown>, source: string): ConfigIssue[] {
  return Object.entries(raw)
    .filter(([, value]) => JSON.stringify(value)?.includes("${") ?? false)
    .map(([key, value]) => ({
      key,
      line: lineOfKey(source, [key]),
      shownValue: showValue(value),
      problem: "contains an interpolation `${...}`; tfvars values must be literal values",
    }));
}

function schemaIssues(issue: z.core.$ZodIssue, raw: Record<string, unknown>, source: string): ConfigIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const candidates = issue.path.length === 0 ? TFVARS_KEYS : (NESTED_KEYS[String(issue.path[0])] ?? []);
      const suggestion = closestMatch(key, candidates);
      const hint = suggestion === undefined ? "" : ` Did you mean ${suggestion}?`;
      return {
        key: joinPath([...issue.path, key]),
        line: lineOfKey(source, [...(issue.path as (string | number)[]), key]),
        problem: `is not a known setting.${hint} (see the config reference in README.md)`,
      };
    });
  }
  const path = issue.path as (string | number)[];
  const value = valueAt(raw, path);
  const base = { key: joinPath(path), line: lineOfKey(source, path) };
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) return [{ ...base, problem: "is required but not set" }];
  if (issue.code === "invalid_type") {
    return [{ ...base, shownValue: showValue(value), problem: `expected ${describeType(issue.expected)}, got ${describeValue(value)}` }];
  }
  if (issue.code === "invalid_key") {
    return [{ ...base, problem: `has an invalid key: ${issue.issues.map((inner) => inner.message).join("; ")}` }];
  }
  return [{ ...base, ...(value === undefined ? {} : { shownValue: showValue(value) }), problem: issue.message }];
}

function toConfig(raw: Tfvars): Config {
  return {
    projectName: raw.project_name,
    environment: raw.environment,
    region: raw.region,
    vpcCidr: raw.vpc_cidr,
    dropletSize: raw.droplet_size,
    dropletImage: raw.droplet_image,
    sshPublicKey: raw.ssh_public_key.trim(),
    retiredSshPublicKeys: raw.retired_ssh_public_keys.map((key) => key.trim()),
    sshKeyName: raw.ssh_key_name ?? `${raw.project_name}-deploy-key`,
    useExistingSshKey: raw.use_existing_ssh_key,
    enableMonitoring: raw.enable_monitoring,
    enableBackups: raw.enable_backups,
    enableIpv6: raw.enable_ipv6,
    allowedSshIps: raw.allowed_ssh_ips,
    ...(raw.do_project_id === undefined ? {} : { doProjectId: raw.do_project_id }),
    ...(raw.domain_name === undefined ? {} : { domainName: raw.domain_name }),
    manageDomain: raw.manage_domain,
    createSpaces: raw.create_spaces,
    spacesRegion: raw.spaces_region ?? raw.region,
    deployUser: raw.deploy_user,
    commonTags: raw.common_tags,
    allowSshFromAnywhere: raw.allow_ssh_from_anywhere,
    internalPorts: raw.internal_ports,
    policyWaivers: raw.policy_waivers.map((waiver) => ({ ...waiver, reason: waiver.reason.trim() })),
    stateBackend: raw.state_backend,
    hosts: Object.entries(raw.hosts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, host]) => toHost(name, host, raw.droplet_image)),
    ...(raw.mesh === undefined ? {} : { mesh: raw.mesh }),
    ...(raw.cloudflare === undefined ? {} : { cloudflare: toCloudflare(raw.cloudflare) }),
  };
}

function toHost(name: string, host: Tfvars["hosts"][string], dropletImage: Tfvars["droplet_image"]): HostConfig {
  return {
    name,
    provider: host.provider,
    role: host.role,
    os: host.provider === "digitalocean" ? (dropletImage === "debian-12-x64" ? "debian-12" : "ubuntu-24.04") : (host.os ?? "debian-12"),
    ...(host.public_ipv4 === undefined ? {} : { publicIpv4: host.public_ipv4 }),
    ...(host.public_ipv6 === undefined ? {} : { publicIpv6: host.public_ipv6 }),
    ufwAllow: (host.ufw_allow ?? []).map((rule) => ({
      port: rule.port,
      protocol: rule.protocol,
      ...(rule.from === undefined ? {} : { from: rule.from }),
      comment: rule.comment ?? `${rule.protocol.toUpperCase()} ${rule.port}`,
    })),
    intrusionPrevention: host.intrusion_prevention,
    ...(host.ssh_host_key === undefined ? {} : { sshHostKey: host.ssh_host_key.trim().split(/\s+/).slice(0, 2).join(" ") }),
    ...(host.mesh_address === undefined
      ? {}
      : { mesh: { address: host.mesh_address, ...(host.wireguard_public_key === undefined ? {} : { publicKey: host.wireguard_public_key }) } }),
  };
}

function toCloudflare(raw: NonNullable<Tfvars["cloudflare"]>): CloudflareConfig {
  const zones = Object.keys(raw.zones).sort();
  // The longest zone wins: a.b.example.org belongs to b.example.org when both are zones.
  const zoneOf = (name: string) =>
    zones.filter((zone) => name === zone || name.endsWith(`.${zone}`)).sort((a, b) => b.length - a.length)[0] as string;
  return {
    ...(raw.account_id === undefined ? {} : { accountId: raw.account_id }),
    zones: zones.map((name) => ({ name, ...(raw.zones[name]?.id === undefined ? {} : { id: raw.zones[name]?.id as string }) })),
    records: raw.records.map((record) => ({
      name: record.name,
      zone: zoneOf(record.name),
      target: record.host !== undefined ? { kind: "host" as const, host: record.host } : { kind: "cname" as const, name: record.cname as string },
      proxied: record.proxied,
    })),
    ...(raw.tunnel === undefined
      ? {}
      : { tunnel: { host: raw.tunnel.host, ingress: raw.tunnel.ingress.map((rule) => ({ ...rule, zone: zoneOf(rule.hostname) })) } }),
  };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** `policy_waivers[0].reason`; a key that is not a plain identifier is quoted, so a blank or odd key stays visible. */
function joinPath(path: readonly PropertyKey[]): string {
  const name = (part: PropertyKey): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(part)) ? String(part) : JSON.stringify(String(part)));
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? name(part) : `.${name(part)}`)).join("");
}

/** Renders a value for an error message; credentials are never rendered. */
export function showValue(value: unknown): string {
  if (looksLikeSecretValue(value)) return "<redacted>";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeType(expected: string): string {
  return expected === "array" ? "a list" : expected === "record" || expected === "object" ? "a map" : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}
