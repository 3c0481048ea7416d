import { z } from "zod";
import type { RawCloudflare, RawHost, RawMesh } from "./topology-schema";

/**
 * The `adopt` section: objects that already exist (made by the hand-written Terraform modules,
 * or in the DigitalOcean or Cloudflare console), named by id, that the stacks import instead of
 * creating. Only objects the rest of the config would create may be adopted.
 */

/** The names of the application environment's DNS records (the main stack's Dns construct). */
export const DIGITALOCEAN_RECORD_NAMES = ["@", "www", "api"] as const;
/** The Spaces buckets of the data stack are `<project>-<environment>-<suffix>`. */
export const BUCKET_SUFFIXES = ["terraform-state", "backups", "assets"] as const;
export const FIREWALL_ROLES = ["web", "internal", "management", "mesh"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** DigitalOcean SSH key fingerprints are MD5, as `ssh-keygen -l -E md5` prints them without `MD5:`. */
const MD5_FINGERPRINT = /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/;
const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

function numericId(what: string) {
  const message = `expected the ${what}'s numeric id, e.g. 412345678 (doctl shows it in the ID column)`;
  return z
    .union([z.number(), z.string()], { error: message })
    .superRefine((value, ctx) => {
      if (!NUMERIC_ID.test(String(value)) || (typeof value === "number" && !Number.isSafeInteger(value))) ctx.addIssue({ code: "custom", message });
    })
    .transform(String);
}

function uuid(what: string) {
  return z.string({ error: `expected the ${what}'s id, a UUID` }).regex(UUID, { error: `expected the ${what}'s id, a lowercase UUID such as 506f78a4-e098-11e5-ad9f-000f53306ae1` });
}

const cloudflareRecordId = z.string({ error: "expected a Cloudflare record id" }).regex(/^[0-9a-f]{32}$/, { error: "expected a Cloudflare record id (32 lowercase hex digits)" });

const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, {
  error: "expected a lowercase domain name such as www.example.org (no trailing dot)",
});

const sshKeyRef = z
  .union([z.number(), z.string()], { error: "expected the SSH key's numeric id or its MD5 fingerprint (aa:bb:...)" })
  .superRefine((value, ctx) => {
    const text = String(value);
    if (!NUMERIC_ID.test(text) && !MD5_FINGERPRINT.test(text)) {
      ctx.addIssue({ code: "custom", message: "expected the SSH key's numeric id (e.g. 41234567) or its MD5 fingerprint (16 colon-separated hex pairs)" });
    }
  })
  .transform(String);

const firewallsSchema = z.strictObject({
  web: uuid("web firewall").optional(),
  internal: uuid("internal firewall").optional(),
  management: uuid("management firewall").optional(),
  mesh: uuid("mesh firewall").optional(),
});

const digitalOceanRecordIds = z.strictObject({ A: numericId("record").optional(), AAAA: numericId("record").optional() });
const cloudflareRecordIds = z.strictObject({ A: cloudflareRecordId.optional(), AAAA: cloudflareRecordId.optional(), CNAME: cloudflareRecordId.optional() });

export const adoptSchema = z.strictObject({
  droplet: numericId("droplet").optional(),
  vpc: uuid("VPC").optional(),
  ssh_key: sshKeyRef.optional(),
  project: uuid("project").optional(),
  /** The zone's name: DigitalOcean imports domains by name. */
  domain: dnsName.optional(),
  firewalls: firewallsSchema.optional(),
  /** Record name relative to the domain (`@`, `www`, `api`) -> type -> record id. */
  records: z.record(z.string(), digitalOceanRecordIds).optional(),
  spaces_buckets: z.array(z.string({ error: "expected a bucket name" })).optional(),
  /** Full name -> type -> record id. */
  cloudflare_records: z.record(dnsName, cloudflareRecordIds).optional(),
  cloudflare_tunnel: uuid("tunnel").optional(),
  /** Also adopt the tunnel's remotely managed configuration. @default true when cloudflare_tunnel is set */
  cloudflare_tunnel_config: z.boolean({ error: "expected true or false" }).optional(),
});

export type RawAdopt = z.output<typeof adoptSchema>;

export const ADOPT_KEYS: readonly string[] = [...Object.keys(adoptSchema.shape), ...FIREWALL_ROLES, "A", "AAAA", "CNAME"];

export type FirewallRole = (typeof FIREWALL_ROLES)[number];

/** The validated `adopt` section, as the stacks read it. */
export interface AdoptConfig {
  readonly droplet?: string;
  readonly vpc?: string;
  /** A numeric id (imported) or an MD5 fingerprint (used as it is, not managed). */
  readonly sshKey?: string;
  readonly project?: string;
  readonly domain?: string;
  readonly firewalls: Readonly<Partial<Record<FirewallRole, string>>>;
  readonly records: readonly { readonly name: string; readonly type: "A" | "AAAA"; readonly id: string }[];
  readonly spacesBuckets: readonly string[];
  readonly cloudflareRecords: readonly { readonly name: string; readonly type: "A" | "AAAA" | "CNAME"; readonly id: string }[];
  readonly cloudflareTunnel?: string;
  readonly cloudflareTunnelConfig: boolean;
}

export function isSshKeyFingerprint(reference: string): boolean {
  return MD5_FINGERPRINT.test(reference);
}

export function toAdoptConfig(raw: RawAdopt): AdoptConfig {
  const typed = <T extends string>(entries: Record<string, Partial<Record<T, string>>> | undefined) =>
    Object.entries(entries ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([name, ids]) => (Object.entries(ids) as [T, string | undefined][]).flatMap(([type, id]) => (id === undefined ? [] : [{ name, type, id }])));
  return {
    ...(raw.droplet === undefined ? {} : { droplet: raw.droplet }),
    ...(raw.vpc === undefined ? {} : { vpc: raw.vpc }),
    ...(raw.ssh_key === undefined ? {} : { sshKey: raw.ssh_key }),
    ...(raw.project === undefined ? {} : { project: raw.project }),
    ...(raw.domain === undefined ? {} : { domain: raw.domain }),
    firewalls: raw.firewalls ?? {},
    records: typed<"A" | "AAAA">(raw.records),
    spacesBuckets: [...(raw.spaces_buckets ?? [])].sort(),
    cloudflareRecords: typed<"A" | "AAAA" | "CNAME">(raw.cloudflare_records),
    ...(raw.cloudflare_tunnel === undefined ? {} : { cloudflareTunnel: raw.cloudflare_tunnel }),
    cloudflareTunnelConfig: raw.cloudflare_tunnel_config ?? raw.cloudflare_tunnel !== undefined,
  };
}

/** The tfvars values adoption is checked against. */
export interface AdoptInput {
  readonly project_name: string;
  readonly environment: string;
  readonly domain_name?: string | undefined;
  readonly manage_domain: boolean;
  readonly enable_ipv6: boolean;
  readonly use_existing_ssh_key: boolean;
  readonly do_project_id?: string | undefined;
  readonly create_spaces: boolean;
  readonly hosts: Readonly<Record<string, RawHost>>;
  readonly mesh?: RawMesh | undefined;
  readonly cloudflare?: RawCloudflare | undefined;
  readonly adopt?: RawAdopt | undefined;
}

type Path = (string | number)[];

/** Adopting something the config would not create is an error: the import would have no target. */
export function checkAdoption(input: AdoptInput, ctx: z.RefinementCtx): void {
  const adopt = input.adopt;
  if (adopt === undefined) return;
  const problem = (path: Path, message: string) => ctx.addIssue({ code: "custom", path: ["adopt", ...path], message });

  if (adopt.ssh_key !== undefined && input.use_existing_ssh_key) {
    problem(["ssh_key"], "cannot be adopted: use_existing_ssh_key = true looks the key up by name and manages nothing; remove one of the two");
  }
  if (adopt.project !== undefined && input.do_project_id !== undefined) {
    problem(["project"], `cannot be adopted: do_project_id (${input.do_project_id}) uses an existing project without managing it; remove one of the two`);
  }
  if (adopt.domain !== undefined) {
    if (input.domain_name === undefined) problem(["domain"], "cannot be adopted: no domain_name is set, so no domain is created");
    else if (!input.manage_domain) problem(["domain"], "cannot be adopted: manage_domain = false reads the domain without managing it");
    else if (adopt.domain !== input.domain_name) problem(["domain"], `expected domain_name (${input.domain_name}): only that domain is created`);
  }
  if (adopt.droplet !== undefined && adopt.vpc === undefined) {
    problem(
      ["droplet"],
      "cannot be adopted without its VPC: the droplet's vpc_uuid would point at a new VPC, and DigitalOcean replaces a droplet whose VPC changes (its disk is lost); add adopt.vpc with the id of the VPC it runs in",
    );
  }
  const dropletInMesh = Object.values(input.hosts).some((host) => host.provider === "digitalocean" && host.mesh_address !== undefined);
  if (adopt.firewalls?.mesh !== undefined && (input.mesh === undefined || !dropletInMesh)) {
    problem(["firewalls", "mesh"], "cannot be adopted: the droplet is not in a WireGuard mesh (mesh and a digitalocean host with mesh_address), so there is no mesh firewall");
  }
  for (const [name, ids] of Object.entries(adopt.records ?? {})) {
    if (input.domain_name === undefined) {
      problem(["records", name], "cannot be adopted: no domain_name is set, so no DNS record is created");
      continue;
    }
    if (!(DIGITALOCEAN_RECORD_NAMES as readonly string[]).includes(name)) {
      problem(["records", name], `is not a record the config creates; expected one of ${DIGITALOCEAN_RECORD_NAMES.map((known) => `"${known}"`).join(", ")}`);
    } else if (ids.AAAA !== undefined && !input.enable_ipv6) {
      problem(["records", name, "AAAA"], "cannot be adopted: enable_ipv6 = false, so no AAAA record is created");
    }
  }
  checkBuckets(input, adopt, problem);
  checkCloudflare(input, adopt, problem);
}

function checkBuckets(input: AdoptInput, adopt: RawAdopt, problem: (path: Path, message: string) => void): void {
  const expected = BUCKET_SUFFIXES.map((suffix) => `${input.project_name}-${input.environment}-${suffix}`);
  const seen = new Set<string>();
  (adopt.spaces_buckets ?? []).forEach((name, index) => {
    if (!input.create_spaces) problem(["spaces_buckets", index], "cannot be adopted: create_spaces = false, so no bucket is created");
    else if (!expected.includes(name)) problem(["spaces_buckets", index], `is not a bucket the config creates; expected one of ${expected.join(", ")}`);
    if (seen.has(name)) problem(["spaces_buckets", index], "is listed twice");
    seen.add(name);
  });
}

function checkCloudflare(input: AdoptInput, adopt: RawAdopt, problem: (path: Path, message: string) => void): void {
  const cloudflare = input.cloudflare;
  const declared = cloudflare === undefined ? new Map<string, string[]>() : declaredCloudflareRecords(input, cloudflare);
  for (const [name, ids] of Object.entries(adopt.cloudflare_records ?? {})) {
    const types = declared.get(name);
    if (cloudflare === undefined || types === undefined) {
      problem(["cloudflare_records", name], "is not a record the config creates (cloudflare.records and the tunnel's hostnames)");
      continue;
    }
    for (const type of Object.keys(ids).filter((key) => ids[key as keyof typeof ids] !== undefined)) {
      if (!types.includes(type)) problem(["cloudflare_records", name, type], `cannot be adopted: the config gives ${name} ${types.join(" and ")} only`);
    }
    const zone = zoneOf(Object.keys(cloudflare.zones), name);
    if (zone !== undefined && cloudflare.zones[zone]?.id === undefined) {
      problem(["cloudflare_records", name], `needs the id of its zone to be imported (<zone id>/<record id>): set cloudflare.zones["${zone}"].id`);
    }
  }
  if (adopt.cloudflare_tunnel !== undefined && cloudflare?.tunnel === undefined) {
    problem(["cloudflare_tunnel"], "cannot be adopted: the config declares no cloudflare.tunnel");
  }
  if (adopt.cloudflare_tunnel_config === true && adopt.cloudflare_tunnel === undefined) {
    problem(["cloudflare_tunnel_config"], "needs cloudflare_tunnel: a tunnel's configuration is imported with its tunnel id");
  }
}

/** Full name -> the record types the edge stack creates for it. */
function declaredCloudflareRecords(input: AdoptInput, cloudflare: RawCloudflare): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  for (const record of cloudflare.records) {
    if (record.cname !== undefined) {
      declared.set(record.name, ["CNAME"]);
      continue;
    }
    const host = record.host === undefined ? undefined : input.hosts[record.host];
    const ipv6 = host?.provider === "digitalocean" ? input.enable_ipv6 : host?.public_ipv6 !== undefined;
    declared.set(record.name, ipv6 ? ["A", "AAAA"] : ["A"]);
  }
  for (const rule of cloudflare.tunnel?.ingress ?? []) declared.set(rule.hostname, ["CNAME"]);
  return declared;
}

/** The longest zone a name belongs to. */
function zoneOf(zones: readonly string[], name: string): string | undefined {
  return zones.filter((zone) => name === zone || name.endsWith(`.${zone}`)).sort((a, b) => b.length - a.length)[0];
}
