import type { TerraformStack } from "cdktf";
import { BUCKET_SUFFIXES, FIREWALL_ROLES, isSshKeyFingerprint } from "../config/adopt-schema";
import type { Config } from "../config/config";
import { ImportBlock, namedResource, RESOURCE_NAMES } from "../constructs/addresses";
import { namePrefix } from "../constructs/naming";
import { PropsError } from "../constructs/validation";

/** The stacks that can adopt existing objects. */
export type AdoptingStack = "main" | "data" | "edge";

/** One existing object to import: the address it becomes and the provider's import id. */
export interface ImportSpec {
  readonly stack: AdoptingStack;
  readonly address: string;
  /** In the format the provider documents for `terraform import`. */
  readonly id: string;
}

/** What adoption does to one object that is not simply imported, and why. */
export interface AdoptionNote {
  readonly stack: AdoptingStack;
  readonly text: string;
}

/**
 * Every import the `adopt` section asks for, with each provider's import id format:
 * DigitalOcean records `<domain>,<record id>`, Spaces buckets `<region>,<name>`, Cloudflare
 * records `<zone id>/<record id>`, tunnels and their configuration `<account id>/<tunnel id>`;
 * everything else its id (the domain: its name).
 */
export function importsFor(config: Config): ImportSpec[] {
  const adopt = config.adopt;
  if (adopt === undefined) return [];
  const imports: ImportSpec[] = [];
  const add = (stack: AdoptingStack, type: string, name: string, id: string | undefined) => {
    if (id !== undefined) imports.push({ stack, address: `${type}.${name}`, id });
  };
  add("main", "digitalocean_vpc", RESOURCE_NAMES.vpc, adopt.vpc);
  add("main", "digitalocean_project", RESOURCE_NAMES.project, adopt.project);
  if (adopt.sshKey !== undefined && !isSshKeyFingerprint(adopt.sshKey)) add("main", "digitalocean_ssh_key", RESOURCE_NAMES.sshKey, adopt.sshKey);
  add("main", "digitalocean_droplet", RESOURCE_NAMES.droplet, adopt.droplet);
  for (const role of FIREWALL_ROLES) add("main", "digitalocean_firewall", RESOURCE_NAMES.firewall(role), adopt.firewalls[role]);
  add("main", "digitalocean_domain", RESOURCE_NAMES.domain, adopt.domain);
  for (const record of adopt.records) add("main", "digitalocean_record", RESOURCE_NAMES.digitalOceanRecord(record.name, record.type), `${config.domainName ?? ""},${record.id}`);

  const prefix = namePrefix(config.projectName, config.environment);
  for (const suffix of BUCKET_SUFFIXES) {
    const bucket = `${prefix}-${suffix}`;
    if (adopt.spacesBuckets.includes(bucket)) add("data", "digitalocean_spaces_bucket", RESOURCE_NAMES.bucket(suffix), `${config.spacesRegion},${bucket}`);
  }

  for (const record of adopt.cloudflareRecords) {
    add("edge", "cloudflare_dns_record", RESOURCE_NAMES.cloudflareRecord(record.name, record.type), `${cloudflareZoneIdOf(config, record.name)}/${record.id}`);
  }
  if (adopt.cloudflareTunnel !== undefined) {
    const id = `${config.cloudflare?.accountId ?? ""}/${adopt.cloudflareTunnel}`;
    add("edge", "cloudflare_zero_trust_tunnel_cloudflared", RESOURCE_NAMES.tunnel, id);
    if (adopt.cloudflareTunnelConfig) add("edge", "cloudflare_zero_trust_tunnel_cloudflared_config", RESOURCE_NAMES.tunnelConfig, id);
  }
  return imports;
}

/** What is imported, what is created although something like it may exist, and why. */
export function adoptionNotes(config: Config): AdoptionNote[] {
  const adopt = config.adopt;
  if (adopt === undefined) return [];
  const notes: AdoptionNote[] = importsFor(config).map(({ stack, address, id }) => ({ stack, text: `import ${address} (id ${id})` }));
  const note = (stack: AdoptingStack, text: string) => notes.push({ stack, text });
  if (adopt.droplet !== undefined) {
    note("main", "digitalocean_droplet.app keeps the user data and SSH keys it was created with: DigitalOcean returns neither and a change to either would replace the droplet, so Terraform ignores both. This config's cloud-init only runs on a new droplet.");
    note("main", "digitalocean_project_resources.droplet is created: the provider cannot import project assignments; creating one (re)assigns the droplet to the project and changes nothing else.");
  }
  if (adopt.sshKey !== undefined && isSshKeyFingerprint(adopt.sshKey)) {
    note("main", `the SSH key ${adopt.sshKey} is used as it is, not managed: DigitalOcean imports SSH keys by numeric id only (give adopt.ssh_key the id to manage it).`);
  }
  if (adopt.domain !== undefined) {
    note("main", "digitalocean_project_resources.domain is created: the provider cannot import project assignments; creating one (re)assigns the domain to the project.");
  }
  if (adopt.spacesBuckets.length > 0) {
    const prefix = namePrefix(config.projectName, config.environment);
    for (const suffix of BUCKET_SUFFIXES) {
      if (!adopt.spacesBuckets.includes(`${prefix}-${suffix}`)) continue;
      note("data", `digitalocean_spaces_key.${RESOURCE_NAMES.bucketKey(suffix)} is a new key: DigitalOcean never returns an existing key's secret, so keys cannot be adopted. Give the new key to its users (terraform output), then delete the old one.`);
    }
    note("data", "digitalocean_project_resources.spaces is created: the provider cannot import project assignments; creating one (re)assigns the buckets to the project.");
  }
  if (adopt.cloudflareTunnel !== undefined) {
    note("edge", "cloudflare_zero_trust_tunnel_cloudflared.main must be remotely managed (created in the Zero Trust dashboard, config_src = cloudflare): a locally managed tunnel cannot change that in place and would be replaced. Its connector token does not change.");
    if (!adopt.cloudflareTunnelConfig) note("edge", "cloudflare_zero_trust_tunnel_cloudflared_config.main is created: cloudflare_tunnel_config = false.");
  }
  return notes;
}

/** Adds the import blocks of `stack`; an address the stack did not create is a bug in the config checks. */
export function addImports(stack: TerraformStack, role: AdoptingStack, config: Config): void {
  for (const spec of importsFor(config).filter((candidate) => candidate.stack === role)) {
    if (namedResource(stack, spec.address) === undefined) {
      throw new PropsError(stack.node.path, "adopt", spec.address, "expected a resource this stack creates (only what the config creates can be adopted)");
    }
    new ImportBlock(stack, `adopt_${spec.address}`, spec.address, spec.id);
  }
}

/** The adoption notes of one stack, for its README. */
export function adoptionNotesOf(config: Config, role: AdoptingStack): string[] {
  return adoptionNotes(config)
    .filter((note) => note.stack === role)
    .map((note) => `Adoption: ${note.text}`);
}

/** The id of the zone a Cloudflare name belongs to (the config checks made sure it has one). */
function cloudflareZoneIdOf(config: Config, name: string): string {
  const cloudflare = config.cloudflare;
  const zone = [...(cloudflare?.records ?? []), ...(cloudflare?.tunnel?.ingress.map((rule) => ({ name: rule.hostname, zone: rule.zone })) ?? [])].find(
    (record) => record.name === name,
  )?.zone;
  return cloudflare?.zones.find((candidate) => candidate.name === zone)?.id ?? "";
}
