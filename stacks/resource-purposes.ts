/**
 * One line per resource on what it is for, read from the resource's type and its synthesized
 * body (names, record types, hosts), so it follows whatever addresses the stacks use. A test
 * checks that every resource type the app synthesizes has an entry.
 */
type Body = Readonly<Record<string, unknown>>;

const text = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value) : "?");
const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0);
/** `${path.module}/rendered/x` -> `rendered/x` (relative to the stack directory). */
const localFile = (value: unknown): string => text(value).replace(/^\$\{path\.module\}\//, "");
const recordName = (name: unknown): string => (name === "@" ? "the zone apex" : `\`${text(name)}\``);

const PURPOSES: Readonly<Record<string, (body: Body) => string>> = {
  digitalocean_vpc: (body) => `private network \`${text(body.name)}\` (${text(body.ip_range)}) the droplet's private address lives in`,
  digitalocean_droplet: (body) =>
    `the application server \`${text(body.name)}\` (${text(body.size)}, ${text(body.image)}, ${text(body.region)}), set up by its cloud-init user data on first boot`,
  digitalocean_firewall: (body) => `cloud firewall \`${text(body.name)}\`: ${count(body.inbound_rule)} inbound rule(s), in front of the droplet`,
  digitalocean_ssh_key: (body) => `SSH public key \`${text(body.name)}\`, installed on the droplet when it is created`,
  digitalocean_domain: (body) => `DNS zone \`${text(body.name)}\` on DigitalOcean`,
  digitalocean_record: (body) => `DNS ${text(body.type)} record for ${recordName(body.name)}`,
  digitalocean_project: (body) => `DigitalOcean project \`${text(body.name)}\`, which groups the environment's resources in the control panel`,
  digitalocean_project_resources: (body) => `puts ${count(body.resources)} resource(s) into the DigitalOcean project`,
  digitalocean_spaces_bucket: (body) => `Spaces bucket \`${text(body.name)}\` (${text(body.acl)})`,
  digitalocean_spaces_key: (body) => `Spaces access key \`${text(body.name)}\`, limited to one bucket`,
  local_file: (body) => `writes \`${localFile(body.filename)}\` next to this stack, on the machine that runs terraform`,
  local_sensitive_file: (body) => `writes \`${localFile(body.filename)}\` (mode ${text(body.file_permission)}) next to this stack, on the machine that runs terraform`,
  null_resource: (body) => {
    const host = text((body.connection as Body | undefined)?.host);
    const where = host.includes("${") ? "the droplet (its address read from the main stack's state)" : host;
    return JSON.stringify(body.provisioner ?? "").includes("wireguard-mesh-sync")
      ? `pushes the WireGuard mesh's peer list to ${where} over SSH whenever the peer set changes (the host is not rebuilt)`
      : `runs its provisioners over SSH on ${where} whenever its triggers change`;
  },
  cloudflare_dns_record: (body) => `Cloudflare ${text(body.type)} record for \`${text(body.name)}\`${body.proxied === true ? ", proxied through Cloudflare" : ""}`,
  cloudflare_zero_trust_tunnel_cloudflared: (body) => `Cloudflare Tunnel \`${text(body.name)}\`; the host's cloudflared connects out to it`,
  cloudflare_zero_trust_tunnel_cloudflared_config: () => "the tunnel's ingress rules: which public name goes to which local service",
};

/** What a resource is for; undefined for a type this table does not know yet. */
export function resourcePurpose(type: string, body: Body): string | undefined {
  return PURPOSES[type]?.(body);
}
