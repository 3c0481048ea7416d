import { toAccessProtection } from "./cloudflare-access";
import { toAdoptConfig } from "./adopt-schema";
import type { CloudflareConfig, Config, HostConfig } from "./config";
import { documentationNotes } from "./documentation-notes";
import { ConfigError, type ConfigIssue } from "./errors";
import { schemaIssues } from "./issue-messages";
import { literalIssues } from "./literal-checks";
import { SourceLocator } from "./locate";
import { NESTED_KEYS, TFVARS_KEYS, tfvarsSchema, type Tfvars } from "./schema";
import { isSecretKey, looksLikeSecretValue } from "./secrets";
import { joinPath } from "./show-value";

/** A valid configuration and what the review should say about it. */
export interface CheckedConfig {
  readonly config: Config;
  /** Things that are allowed but worth a look before applying (documentation addresses). */
  readonly notes: readonly string[];
}

/**
 * Turns the parsed tfvars object into a Config, or throws one ConfigError listing every problem
 * with its file, line, column, key and value. Secret values are never echoed.
 */
export function validateTfvars(raw: Record<string, unknown>, source: string, displayName: string): Config {
  return checkTfvars(raw, source, displayName).config;
}

export function checkTfvars(raw: Record<string, unknown>, source: string, displayName: string): CheckedConfig {
  const locator = SourceLocator.of(source);
  const issues: ConfigIssue[] = secretIssues(raw, locator);
  // A secret is removed before the schema runs: its value must never be echoed.
  const secretKeys = new Set(issues.map((issue) => topKey(issue.key)));
  const withoutSecrets = Object.fromEntries(Object.entries(raw).filter(([key]) => !secretKeys.has(key)));
  issues.push(...duplicateIssues(locator), ...literalIssues(withoutSecrets, locator));
  const reported = new Set(issues.map((issue) => issue.key));
  const result = tfvarsSchema.safeParse(withoutSecrets);
  if (!result.success) {
    // A removed secret is not also "required but not set"; a value refused above is not refused twice.
    const fresh = result.error.issues.filter((issue) => !secretKeys.has(String(issue.path[0] ?? "")));
    const located = fresh.flatMap((issue) => schemaIssues(issue, withoutSecrets, locator, suggestionKeys));
    issues.push(...located.filter((issue) => !reported.has(issue.key)));
  }
  if (issues.length > 0 || !result.success) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.key.localeCompare(b.key));
    throw new ConfigError(displayName, issues);
  }
  return { config: toConfig(result.data), notes: documentationNotes(result.data, locator, displayName) };
}

const topKey = (key: string): string => key.split(/[.[]/)[0] ?? key;

function suggestionKeys(path: readonly (string | number)[]): readonly string[] {
  return path.length === 0 ? TFVARS_KEYS : (NESTED_KEYS[String(path[0])] ?? []);
}

/** HashiCorp's parser keeps the last of two equal keys in an object: a second, unreviewed block would win. */
function duplicateIssues(locator: SourceLocator): ConfigIssue[] {
  return locator.duplicates.map((duplicate) => ({
    key: joinPath(duplicate.path),
    ...duplicate.second,
    problem: `is set twice, at line ${duplicate.first.line} and line ${duplicate.second.line}; Terraform would silently keep the second one. Keep one`,
  }));
}

function secretIssues(raw: Record<string, unknown>, locator: SourceLocator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (isSecretKey(key)) {
      issues.push({
        key,
        ...locator.key([key]),
        problem: `is a secret and must not be stored in a tfvars file; remove it and export TF_VAR_${key} at deploy time (it is a sensitive Terraform variable)`,
      });
    } else if (looksLikeSecretValue(value, key)) {
      issues.push({
        key,
        ...locator.value([key]),
        problem: "holds what looks like a credential (API token or private key); secrets belong in TF_VAR_ variables, never in this file",
      });
    }
  }
  return issues;
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
    allowReplace: Object.fromEntries(Object.entries(raw.allow_replace).map(([address, reason]) => [address, reason.trim()])),
    prices: raw.prices,
    hosts: Object.entries(raw.hosts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, host]) => toHost(name, host, raw.droplet_image)),
    ...(raw.mesh === undefined ? {} : { mesh: raw.mesh }),
    ...(raw.cloudflare === undefined ? {} : { cloudflare: toCloudflare(raw.cloudflare) }),
    ...(raw.adopt === undefined ? {} : { adopt: toAdoptConfig(raw.adopt) }),
  };
}

function toHost(name: string, host: Tfvars["hosts"][string], dropletImage: Tfvars["droplet_image"]): HostConfig {
  return {
    name,
    provider: host.provider,
    role: host.role,
    ...(host.monthly_price_eur === undefined ? {} : { monthlyPriceEur: host.monthly_price_eur }),
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
      : {
          tunnel: {
            host: raw.tunnel.host,
            ingress: raw.tunnel.ingress.map(({ access, ...rule }) => ({
              ...rule,
              zone: zoneOf(rule.hostname),
              ...(access === undefined ? {} : { access: toAccessProtection(access) }),
            })),
          },
        }),
  };
}
