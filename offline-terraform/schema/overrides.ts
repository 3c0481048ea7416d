/**
 * What cannot be derived from the CDKTF bindings, reviewed by hand.
 *
 * The bindings cannot tell "optional" from "optional + computed" (both are a getter, a setter
 * and a reset). We derive plain optional, which keeps an unset argument null in plans; the
 * arguments below are computed by the real provider when left unset, and our stacks read them
 * (outputs, cross-resource references), so they must be unknown at plan and filled on apply.
 * Every configurable `id` is optional + computed in every SDKv2 provider: handled in code.
 */
export const OPTIONAL_COMPUTED: Readonly<Record<string, readonly string[]>> = {
  digitalocean_droplet: ["ipv6_address", "vpc_uuid", "private_networking", "backups", "monitoring"],
  digitalocean_vpc: ["ip_range", "description"],
  digitalocean_project: ["environment", "purpose", "description", "is_default"],
  digitalocean_domain: ["ip_address"],
  digitalocean_record: ["ttl", "priority", "port", "weight"],
  digitalocean_spaces_bucket: ["region", "acl"],
  digitalocean_spaces_key: [],
  cloudflare_dns_record: ["proxied", "comment"],
};

/**
 * Attributes the real provider marks sensitive (the bindings do not say). Terraform then
 * refuses an output that exposes them without `sensitive = true`, as it would for real.
 */
export const SENSITIVE: Readonly<Record<string, readonly string[]>> = {
  digitalocean_spaces_key: ["secret_key"],
};

export { REQUIRES_REPLACE } from "../../constructs/force-new-attributes";

/** Provider arguments that are Terraform meta-arguments, not schema attributes. */
export const PROVIDER_META_ARGUMENTS: readonly string[] = ["alias"];
