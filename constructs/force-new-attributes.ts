/**
 * How a change of each argument our stacks set reaches the real resource, per provider resource
 * type: updated in place, or the resource is destroyed and created again. Facts read from the
 * providers' schemas at the versions the bindings pin (ForceNew in SDKv2 providers, RequiresReplace
 * plan modifiers in plugin-framework ones): digitalocean/digitalocean 2.71.0,
 * cloudflare/cloudflare 5.14.0, hashicorp/local and hashicorp/null. Pure data: the synth review
 * and the offline emulator both read it.
 */

/**
 * - "in place": the provider updates the existing object.
 * - "replaces": any change destroys the object and creates a new one.
 * - "replaces when turned off": true -> false replaces, false -> true updates in place.
 */
export type ArgumentChange = "in place" | "replaces" | "replaces when turned off";

/** Resource type -> argument -> how a change of it is applied. Covers every argument the stacks set. */
export const ARGUMENT_CHANGES: Readonly<Record<string, Readonly<Record<string, ArgumentChange>>>> = {
  digitalocean_droplet: {
    name: "in place",
    size: "in place",
    backups: "in place",
    tags: "in place",
    timeouts: "in place",
    image: "replaces",
    region: "replaces",
    user_data: "replaces",
    ssh_keys: "replaces",
    vpc_uuid: "replaces",
    monitoring: "replaces",
    droplet_agent: "replaces",
    // CustomizeDiff: enabling IPv6 is an update, disabling it forces a new droplet.
    ipv6: "replaces when turned off",
  },
  digitalocean_vpc: { name: "in place", description: "in place", region: "replaces", ip_range: "replaces" },
  digitalocean_ssh_key: { name: "in place", public_key: "replaces" },
  digitalocean_domain: { name: "replaces", ip_address: "replaces" },
  digitalocean_record: { name: "in place", value: "in place", ttl: "in place", priority: "in place", domain: "replaces", type: "replaces" },
  digitalocean_firewall: { name: "in place", droplet_ids: "in place", tags: "in place", inbound_rule: "in place", outbound_rule: "in place" },
  digitalocean_project: { name: "in place", description: "in place", purpose: "in place", environment: "in place", resources: "in place" },
  digitalocean_project_resources: { resources: "in place", project: "replaces" },
  digitalocean_spaces_bucket: {
    acl: "in place",
    versioning: "in place",
    lifecycle_rule: "in place",
    cors_rule: "in place",
    force_destroy: "in place",
    region: "replaces",
    // Not marked ForceNew, but a bucket's id is its name and the provider's update cannot rename
    // it: a new name is a new bucket.
    name: "replaces",
  },
  digitalocean_spaces_key: { name: "in place", grant: "in place" },
  cloudflare_dns_record: { name: "in place", content: "in place", proxied: "in place", ttl: "in place", comment: "in place", zone_id: "replaces", type: "replaces" },
  cloudflare_zero_trust_tunnel_cloudflared: { name: "in place", account_id: "replaces", config_src: "replaces" },
  cloudflare_zero_trust_tunnel_cloudflared_config: { config: "in place", source: "in place", account_id: "replaces", tunnel_id: "replaces" },
  cloudflare_zero_trust_access_application: {
    name: "in place",
    type: "in place",
    domain: "in place",
    session_duration: "in place",
    policies: "in place",
    account_id: "replaces",
    zone_id: "replaces",
  },
  cloudflare_zero_trust_access_policy: { name: "in place", decision: "in place", include: "in place", exclude: "in place", require: "in place", account_id: "replaces" },
  // hashicorp/local: a file cannot be updated in place, every argument replaces it.
  local_file: {
    content: "replaces",
    content_base64: "replaces",
    sensitive_content: "replaces",
    source: "replaces",
    filename: "replaces",
    file_permission: "replaces",
    directory_permission: "replaces",
  },
  local_sensitive_file: {
    content: "replaces",
    content_base64: "replaces",
    source: "replaces",
    filename: "replaces",
    file_permission: "replaces",
    directory_permission: "replaces",
  },
  null_resource: { triggers: "replaces" },
};

/**
 * Terraform meta-arguments: not provider arguments, so never an update or a replacement of
 * the object itself (`provisioner` and `connection` run only when the object is created).
 */
export const META_ARGUMENTS: readonly string[] = ["lifecycle", "depends_on", "count", "for_each", "provider", "provisioner", "connection"];

/**
 * Computed attributes whose value follows an argument, where changing that argument in place
 * still changes what other resources and stacks read. A replacement changes them all.
 */
export const COMPUTED_FROM: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  digitalocean_droplet: { ipv6_address: ["ipv6"] },
};

/** Arguments whose change always replaces the resource, per type (what the emulator plans as a replacement). */
export const REQUIRES_REPLACE: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(ARGUMENT_CHANGES).map(([type, argumentsOfType]) => [
    type,
    Object.entries(argumentsOfType)
      .filter(([, change]) => change === "replaces")
      .map(([argument]) => argument),
  ]),
);
