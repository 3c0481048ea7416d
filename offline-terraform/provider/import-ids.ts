/**
 * How each provider reads the id given to `terraform import` (and to `import` blocks), taken
 * from the providers' own importers (digitalocean 2.71, cloudflare 5.x): the id's format, the
 * attribute each part sets, and the parts that must be integers. Types not listed import by
 * their plain id, as SDKv2's passthrough importer does.
 */
export interface ImportFormat {
  /** As the provider documents it, e.g. "<domain>,<record_id>". */
  readonly format: string;
  /** The attribute each `<part>` of the format sets, in order. */
  readonly attributes: readonly string[];
  /** Attributes whose part must be an integer. */
  readonly numeric?: readonly string[];
}

export const IMPORT_FORMATS: Readonly<Record<string, ImportFormat>> = {
  digitalocean_droplet: { format: "<droplet_id>", attributes: ["id"], numeric: ["id"] },
  digitalocean_vpc: { format: "<vpc_id>", attributes: ["id"] },
  digitalocean_ssh_key: { format: "<ssh_key_id>", attributes: ["id"], numeric: ["id"] },
  digitalocean_domain: { format: "<domain_name>", attributes: ["id"] },
  digitalocean_record: { format: "<domain>,<record_id>", attributes: ["domain", "id"], numeric: ["id"] },
  digitalocean_firewall: { format: "<firewall_id>", attributes: ["id"] },
  digitalocean_project: { format: "<project_id>", attributes: ["id"] },
  digitalocean_spaces_bucket: { format: "<region>,<name>", attributes: ["region", "id"] },
  cloudflare_dns_record: { format: "<zone_id>/<dns_record_id>", attributes: ["zone_id", "id"] },
  cloudflare_zero_trust_tunnel_cloudflared: { format: "<account_id>/<tunnel_id>", attributes: ["account_id", "id"] },
  // The configuration is found by its tunnel: the same import id as the tunnel's.
  cloudflare_zero_trust_tunnel_cloudflared_config: { format: "<account_id>/<tunnel_id>", attributes: ["account_id", "tunnel_id"] },
};

/**
 * Types whose provider has no importer: Terraform refuses to import them. A Spaces key's
 * secret is shown once, at creation, and a project's resource list is our own assignment.
 */
export const NOT_IMPORTABLE: ReadonlySet<string> = new Set([
  "digitalocean_spaces_key",
  "digitalocean_project_resources",
  "null_resource",
  "local_file",
  "local_sensitive_file",
]);

export type ParsedImportId = { readonly ok: true; readonly attributes: Readonly<Record<string, string>> } | { readonly ok: false; readonly error: string };

/** Splits an import id into the attributes its parts set, or says what was expected. */
export function parseImportId(type: string, id: string): ParsedImportId {
  if (NOT_IMPORTABLE.has(type)) return { ok: false, error: `resource ${type} doesn't support import` };
  const format = IMPORT_FORMATS[type] ?? { format: "<id>", attributes: ["id"] };
  const pattern = new RegExp(`^${format.format.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<[a-z_]+>/g, "([^,/]+)")}$`);
  const match = pattern.exec(id);
  const expected = `${type} is imported by "${format.format}"`;
  if (match === null) return { ok: false, error: `unexpected format of import ID "${id}": ${expected}` };
  const attributes: Record<string, string> = {};
  format.attributes.forEach((name, index) => (attributes[name] = match[index + 1] ?? ""));
  for (const name of format.numeric ?? []) {
    if (!/^\d+$/.test(attributes[name] ?? "")) return { ok: false, error: `invalid ${name} "${attributes[name]}" in import ID "${id}": an integer is expected (${expected})` };
  }
  return { ok: true, attributes };
}
