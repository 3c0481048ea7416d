import { TerraformDataSource, TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { PropsError } from "./validation";

/**
 * The Terraform address of every resource and data source the constructs create, named here and
 * nowhere else. Addresses are part of the product's interface: operators type them in
 * `terraform state show`, `-replace=`, import and moved blocks, and renaming one makes Terraform
 * destroy and recreate the object. Names are the resource's role (`digitalocean_droplet.app`)
 * or come from config data through `terraformIdentifier` (`cloudflare_dns_record.api_example_org_a`).
 * A test pins every address of the example configuration.
 */

/** What Terraform accepts as a resource name, restricted to the form this module produces. */
export const TERRAFORM_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Config data (host names, DNS names, bucket suffixes) as a Terraform identifier: lowercase, `*`
 * spelled `wildcard`, every other run of characters that are not letters or digits one `_`.
 * Deterministic but not one-to-one (`a-b` and `a.b` both give `a_b`): `nameResource` refuses the
 * second resource that would get an address already taken.
 */
export function terraformIdentifier(text: string): string {
  const identifier = text
    .toLowerCase()
    .replaceAll("*", "wildcard")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (identifier === "") throw new Error(`cannot derive a Terraform name from ${JSON.stringify(text)}`);
  return /^[0-9]/.test(identifier) ? `_${identifier}` : identifier;
}

export type DigitalOceanRecordType = "A" | "AAAA";
export type CloudflareRecordType = "A" | "AAAA" | "CNAME";
/** The firewalls of the application environment, by role (their names end in `-fw-<role>`). */
export type FirewallRole = "web" | "internal" | "management" | "mesh";

/** Resource (and data source) names, by what the object is. */
export const RESOURCE_NAMES = {
  /** digitalocean_vpc */
  vpc: "main",
  /** digitalocean_project */
  project: "main",
  /** digitalocean_ssh_key, and the data source when the key is looked up by name */
  sshKey: "main",
  /** digitalocean_droplet */
  droplet: "app",
  /** digitalocean_domain, and the data source when the zone is not managed here */
  domain: "main",
  /** digitalocean_project_resources attaching the droplet, the domain, the buckets */
  dropletInProject: "droplet",
  domainInProject: "domain",
  bucketsInProject: "spaces",
  /** digitalocean_firewall: `web`, `internal`, `management`, `mesh` */
  firewall: (role: string): string => terraformIdentifier(role),
  /** digitalocean_record: `www` A -> `www_a`, the apex `@` -> `apex_a` */
  digitalOceanRecord: (name: string, type: DigitalOceanRecordType): string =>
    `${name === "@" ? "apex" : terraformIdentifier(name)}_${type.toLowerCase()}`,
  /** digitalocean_spaces_bucket and its digitalocean_spaces_key: `terraform-state` -> `terraform_state` */
  bucket: (suffix: string): string => terraformIdentifier(suffix),
  bucketKey: (suffix: string): string => terraformIdentifier(suffix),
  /** data.cloudflare_zone: `example.net` -> `example_net` */
  cloudflareZone: (zone: string): string => terraformIdentifier(zone),
  /** cloudflare_dns_record: `api.example.org` A -> `api_example_org_a` */
  cloudflareRecord: (name: string, type: CloudflareRecordType): string => `${terraformIdentifier(name)}_${type.toLowerCase()}`,
  /** cloudflare_zero_trust_tunnel_cloudflared and its _config: one tunnel per edge stack */
  tunnel: "main",
  tunnelConfig: "main",
  /** local_sensitive_file of an OVH server's user data: `user_data_core_prod` */
  userDataFile: (host: string): string => `user_data_${terraformIdentifier(host)}`,
  /** local_sensitive_file of an OVH server's enrollment script: `enroll_sh_core_prod` */
  enrollmentScriptFile: (host: string): string => `enroll_sh_${terraformIdentifier(host)}`,
  /** null_resource keeping a host's deploy-user keys in sync: `deploy_keys_sync_core_prod` */
  deployKeysSync: (host: string): string => `deploy_keys_sync_${terraformIdentifier(host)}`,
  /** local_file of a mesh member's wg0.conf: `wg0_core_prod` */
  wireguardConfigFile: (member: string): string => `wg0_${terraformIdentifier(member)}`,
  /** null_resource pushing a mesh member's peers: `mesh_sync_core_prod` */
  meshSync: (member: string): string => `mesh_sync_${terraformIdentifier(member)}`,
} as const;

type Addressable = TerraformResource | TerraformDataSource;
const namedByStack = new WeakMap<TerraformStack, Map<string, Addressable>>();

/**
 * Gives `element` the Terraform name `name` (instead of CDKTF's hashed logical id) and records
 * it for its stack. Two objects of one type with the same name in one stack are refused, naming
 * both constructs.
 */
export function nameResource<T extends Addressable>(element: T, name: string): T {
  if (!TERRAFORM_IDENTIFIER.test(name)) throw new PropsError(element.node.path, "Terraform name", name, "expected lowercase letters, digits and underscores, not starting with a digit");
  const stack = TerraformStack.of(element);
  const named = namedByStack.get(stack) ?? new Map<string, Addressable>();
  namedByStack.set(stack, named);
  const address = `${element instanceof TerraformDataSource ? "data." : ""}${element.terraformResourceType}.${name}`;
  const taken = named.get(address);
  if (taken !== undefined) {
    throw new PropsError(element.node.path, "Terraform address", address, `expected an address of its own: ${taken.node.path} has it already (two names in the config give the same Terraform name; rename one)`);
  }
  element.overrideLogicalId(name);
  named.set(address, element);
  return element;
}

/** The resource named `address` (`type.name`) in `stack`, if a construct named it. */
export function namedResource(stack: TerraformStack, address: string): TerraformResource | undefined {
  const element = namedByStack.get(stack)?.get(address);
  return element instanceof TerraformResource ? element : undefined;
}

/**
 * A Terraform `import` block: on the next plan, `to` is read from the cloud by `id` instead of
 * created. CDKTF's `importFrom` writes the same block but also makes every synth run
 * `terraform version`, which synthesizing must not need.
 */
export class ImportBlock extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    readonly to: string,
    readonly importId: string,
  ) {
    super(scope, id);
  }

  override toTerraform(): unknown {
    return { import: [{ to: this.to, id: this.importId }] };
  }

  override toHclTerraform(): unknown {
    return {
      import: [
        {
          to: { value: this.to, type: "simple", storageClassType: "reference" },
          id: { value: this.importId, type: "simple", storageClassType: "string" },
        },
      ],
    };
  }

  override toMetadata(): unknown {
    return {};
  }
}
