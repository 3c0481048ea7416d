import { BUCKET_SUFFIXES, DIGITALOCEAN_RECORD_NAMES, FIREWALL_ROLES } from "./adopt-schema";

/**
 * Reads a Terraform state (format version 4) of the hand-written Terraform modules
 * (`module.networking`, `module.droplet`, `module.firewall`, `module.dns[0]`, `module.spaces[0]`)
 * or of objects managed elsewhere, and matches every object to a resource of these stacks by type
 * and identity: names like `<project>-<env>-fw-web`, record name and type, bucket names. The
 * result is the `adopt = { ... }` block for the tfvars. Only ids, names and the attributes
 * that decide whether a droplet can be kept are read: secret attributes never are.
 */

export interface StateResourceInstance {
  readonly index_key?: string | number;
  readonly attributes?: Record<string, unknown>;
}

export interface StateResource {
  readonly module?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly instances: readonly StateResourceInstance[];
}

export interface TerraformStateV4 {
  readonly version: 4;
  readonly serial?: number;
  readonly resources: readonly StateResource[];
}

/** One line of the block: `key = value`, with where it came from. */
interface Entry {
  readonly path: readonly string[];
  /** HCL literal. */
  readonly value: string;
  readonly comment: string;
}

export interface AdoptionFromState {
  /** The `adopt = { ... }` block to paste into the tfvars. */
  readonly block: string;
  /** Objects left out, each `<address>: <why>`. */
  readonly unmatched: readonly string[];
}

export class StateFormatError extends Error {}

/** Parses a state file's text; refuses anything but a format version 4 state. */
export function parseState(text: string, file: string): TerraformStateV4 {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StateFormatError(`${file}: not a Terraform state (not JSON)`);
  }
  const state = parsed as Partial<TerraformStateV4> | null;
  if (state === null || typeof state !== "object" || (state as { version?: unknown }).version !== 4 || !Array.isArray(state.resources)) {
    throw new StateFormatError(`${file}: expected a Terraform state of format version 4 (Terraform >= 0.12: "version": 4 and a "resources" list)`);
  }
  return state as TerraformStateV4;
}

/** `module.dns[0].digitalocean_record.www[0]`, as Terraform prints it. */
function instanceAddress(resource: StateResource, instance: StateResourceInstance): string {
  const index = instance.index_key === undefined ? "" : typeof instance.index_key === "number" ? `[${instance.index_key}]` : `[${JSON.stringify(instance.index_key)}]`;
  return `${resource.module === undefined ? "" : `${resource.module}.`}${resource.mode === "data" ? "data." : ""}${resource.type}.${resource.name}${index}`;
}

const text = (attributes: Record<string, unknown>, key: string): string | undefined => {
  const value = attributes[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
};

const NUMERIC = /^[1-9][0-9]*$/;

/** The `<project>-<environment>` prefixes the state's named objects carry (`shop-production-vpc`, `-app`, `-fw-web`, buckets). */
function environmentPrefixes(state: TerraformStateV4): string[] {
  const suffixes = ["vpc", "app", ...FIREWALL_ROLES.map((role) => `fw-${role}`), ...BUCKET_SUFFIXES];
  const prefixes = new Set<string>();
  for (const resource of state.resources) {
    if (resource.mode === "data") continue;
    for (const instance of resource.instances) {
      const name = text(instance.attributes ?? {}, "name") ?? "";
      const suffix = suffixes.find((candidate) => name.endsWith(`-${candidate}`));
      if (suffix !== undefined) prefixes.add(name.slice(0, -(suffix.length + 1)));
    }
  }
  return [...prefixes].sort();
}

/** A state holding more than one environment, read without saying which one to adopt. */
export class AmbiguousStateError extends Error {}

/**
 * Matches every object of `state`; `stateFile` is only shown in the block's header. `prefix`
 * (`<project>-<environment>`) picks one environment when the state holds several: objects of
 * another are listed as unmatched, never adopted into this one.
 */
export function adoptionFromState(state: TerraformStateV4, stateFile: string, options: { readonly prefix?: string } = {}): AdoptionFromState {
  const found = environmentPrefixes(state);
  if (options.prefix === undefined && found.length > 1) {
    throw new AmbiguousStateError(`${stateFile} holds objects of ${found.length} environments (${found.join(", ")}): choose the one to adopt with --prefix <project>-<environment>`);
  }
  const named = (name: string, suffix: string): boolean => (options.prefix === undefined ? name.endsWith(`-${suffix}`) : name === `${options.prefix}-${suffix}`);
  const entries: Entry[] = [];
  const unmatched: string[] = [];
  const recordDomains = new Set<string>();
  let domainAdopted = false;
  let sshKeyLookedUp = false;
  const taken = new Map<string, string>();

  const adopt = (address: string, path: readonly string[], value: string, comment: string) => {
    const key = path.join(".");
    const earlier = taken.get(key);
    if (earlier !== undefined) {
      unmatched.push(`${address}: ${earlier} already gives adopt.${key}; only one object can be adopted there`);
      return;
    }
    taken.set(key, address);
    entries.push({ path, value, comment });
  };

  for (const resource of state.resources) {
    for (const instance of resource.instances) {
      const address = instanceAddress(resource, instance);
      const attributes = instance.attributes ?? {};
      if (resource.mode === "data") {
        unmatched.push(`${address}: a data source, nothing to adopt`);
        if (resource.type === "digitalocean_ssh_keys") sshKeyLookedUp = true;
        continue;
      }
      const id = text(attributes, "id");
      const name = text(attributes, "name") ?? "";
      const quoted = (value: string) => JSON.stringify(value);
      switch (resource.type) {
        case "digitalocean_vpc":
          if (id !== undefined && named(name, "vpc")) adopt(address, ["vpc"], quoted(id), `${address} (${name})`);
          else unmatched.push(`${address}: a VPC not named <project>-<environment>-vpc (${name}); these stacks create one VPC`);
          break;
        case "digitalocean_droplet":
          if (id !== undefined && NUMERIC.test(id) && named(name, "app")) adopt(address, ["droplet"], id, `${address} (${name}); ${dropletFacts(attributes)}`);
          else unmatched.push(`${address}: a droplet not named <project>-<environment>-app (${name}); these stacks create one droplet`);
          break;
        case "digitalocean_ssh_key":
          if (id !== undefined && NUMERIC.test(id)) adopt(address, ["ssh_key"], id, `${address} (${name}); set ssh_key_name = ${quoted(name)} and ssh_public_key to this key (another key replaces it)`);
          else unmatched.push(`${address}: no numeric id`);
          break;
        case "digitalocean_project":
          if (id !== undefined) adopt(address, ["project"], quoted(id), `${address} (${name})`);
          break;
        case "digitalocean_domain":
          if (name !== "") {
            domainAdopted = true;
            adopt(address, ["domain"], quoted(name), address);
          }
          break;
        case "digitalocean_firewall": {
          const role = FIREWALL_ROLES.find((candidate) => named(name, `fw-${candidate}`));
          if (id !== undefined && role !== undefined) adopt(address, ["firewalls", role], quoted(id), `${address} (${name})`);
          else unmatched.push(`${address}: a firewall whose name (${name}) does not end in -fw-web, -fw-internal, -fw-management or -fw-mesh`);
          break;
        }
        case "digitalocean_record": {
          const type = text(attributes, "type") ?? "";
          const domain = text(attributes, "domain");
          if (domain !== undefined) recordDomains.add(domain);
          if (id !== undefined && NUMERIC.test(id) && (DIGITALOCEAN_RECORD_NAMES as readonly string[]).includes(name) && (type === "A" || type === "AAAA")) {
            adopt(address, ["records", name, type], id, `${address} (${name === "@" ? "" : `${name}.`}${domain ?? "?"} ${type})`);
          } else {
            unmatched.push(`${address}: a ${type} record "${name}"; these stacks create A/AAAA records for ${DIGITALOCEAN_RECORD_NAMES.join(", ")} only`);
          }
          break;
        }
        case "digitalocean_spaces_bucket": {
          const suffix = BUCKET_SUFFIXES.find((candidate) => named(name, candidate));
          if (suffix !== undefined) adopt(address, ["spaces_buckets", suffix], quoted(name), `${address} (${text(attributes, "region") ?? "?"})`);
          else unmatched.push(`${address}: bucket ${name} is not one of <project>-<environment>-${BUCKET_SUFFIXES.join("/")}`);
          break;
        }
        case "digitalocean_spaces_key":
          unmatched.push(`${address}: Spaces keys cannot be adopted (DigitalOcean never returns a key's secret); the data stack creates a new key per bucket`);
          break;
        case "digitalocean_project_resources":
          unmatched.push(
            `${address}: project assignments cannot be imported; the stacks create their own (assigning again is harmless). The objects are in project ${text(attributes, "project") ?? "?"}: set do_project_id to it to keep using it, or adopt.project to manage it`,
          );
          break;
        case "digitalocean_tag":
          unmatched.push(`${address}: tags are not managed by these stacks (droplets get theirs from common_tags); the tag stays in DigitalOcean`);
          break;
        case "cloudflare_dns_record":
        case "cloudflare_record": {
          const type = text(attributes, "type") ?? "";
          const fullName = text(attributes, "hostname") ?? name;
          if (id !== undefined && /^[0-9a-f]{32}$/.test(id) && ["A", "AAAA", "CNAME"].includes(type) && fullName.includes(".")) {
            adopt(address, ["cloudflare_records", fullName, type], quoted(id), `${address} (zone ${text(attributes, "zone_id") ?? "?"})`);
          } else {
            unmatched.push(`${address}: a ${type} record "${fullName}"; these stacks manage A, AAAA and CNAME records by full name`);
          }
          break;
        }
        case "cloudflare_zero_trust_tunnel_cloudflared":
        case "cloudflare_tunnel":
          if (id !== undefined) adopt(address, ["cloudflare_tunnel"], quoted(id), `${address} (${name}); config_src ${text(attributes, "config_src") ?? "?"}`);
          break;
        case "cloudflare_zero_trust_tunnel_cloudflared_config":
        case "cloudflare_tunnel_config":
          adopt(address, ["cloudflare_tunnel_config"], "true", address);
          break;
        default:
          unmatched.push(`${address}: ${resource.type} is not a resource these stacks manage`);
      }
    }
  }

  if (sshKeyLookedUp && !taken.has("ssh_key")) {
    unmatched.push("the SSH key: the modules looked it up instead of creating it; set use_existing_ssh_key = true and ssh_key_name, or adopt.ssh_key = <its id or fingerprint>");
  }
  if (!domainAdopted && recordDomains.size === 1) {
    const [domain] = [...recordDomains] as [string];
    entries.push({ path: ["domain"], value: JSON.stringify(domain), comment: "not in the state: its records were added to a domain made elsewhere; adopting it lets these stacks manage it (or set manage_domain = false and drop this line)" });
  }
  return { block: renderBlock(entries, stateFile, state.serial), unmatched };
}

/** The droplet attributes that replace it when they differ from the config (DigitalOcean cannot change them in place). */
function dropletFacts(attributes: Record<string, unknown>): string {
  const facts = ["region", "image", "size", "monitoring", "backups", "ipv6"].map((key) => `${key} ${text(attributes, key) ?? String(attributes[key] ?? "?")}`);
  return `${facts.join(", ")}: keep region, image and monitoring the same in the tfvars (a difference replaces the droplet)`;
}

function renderBlock(entries: readonly Entry[], stateFile: string, serial: number | undefined): string {
  const lines = [`# Objects of ${stateFile}${serial === undefined ? "" : ` (serial ${serial})`} to adopt: paste into terraform.tfvars (docs/adopting.md).`, "adopt = {"];
  const scalar = (key: string) => entries.filter((entry) => entry.path.length === 1 && entry.path[0] === key);
  const nested = (key: string) => entries.filter((entry) => entry.path[0] === key && entry.path.length > 1);
  const hclKey = (key: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key));
  for (const key of ["droplet", "vpc", "ssh_key", "project", "domain"]) {
    for (const entry of scalar(key)) lines.push(`  ${key} = ${entry.value} # ${entry.comment}`);
  }
  const firewalls = nested("firewalls");
  if (firewalls.length > 0) {
    lines.push("  firewalls = {");
    for (const role of FIREWALL_ROLES) for (const entry of firewalls.filter((candidate) => candidate.path[1] === role)) lines.push(`    ${role} = ${entry.value} # ${entry.comment}`);
    lines.push("  }");
  }
  for (const [key, types] of [
    ["records", ["A", "AAAA"]],
    ["cloudflare_records", ["A", "AAAA", "CNAME"]],
  ] as const) {
    const records = nested(key);
    if (records.length === 0) continue;
    lines.push(`  ${key} = {`);
    for (const name of [...new Set(records.map((entry) => entry.path[1] as string))].sort()) {
      lines.push(`    ${hclKey(name)} = {`);
      for (const type of types) for (const entry of records.filter((candidate) => candidate.path[1] === name && candidate.path[2] === type)) lines.push(`      ${type} = ${entry.value} # ${entry.comment}`);
      lines.push("    }");
    }
    lines.push("  }");
  }
  const buckets = nested("spaces_buckets");
  if (buckets.length > 0) {
    lines.push("  spaces_buckets = [");
    for (const suffix of BUCKET_SUFFIXES) for (const entry of buckets.filter((candidate) => candidate.path[1] === suffix)) lines.push(`    ${entry.value}, # ${entry.comment}`);
    lines.push("  ]");
  }
  for (const key of ["cloudflare_tunnel", "cloudflare_tunnel_config"]) {
    for (const entry of scalar(key)) lines.push(`  ${key} = ${entry.value} # ${entry.comment}`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
