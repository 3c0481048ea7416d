import { TerraformStack, Testing } from "cdktf";
import { CloudflareRecords } from "../constructs/cloudflare-records";
import { nameResource, RESOURCE_NAMES, terraformIdentifier, TERRAFORM_IDENTIFIER } from "../constructs/addresses";
import { Vpc } from "@cdktf/provider-digitalocean/lib/vpc";
import { exampleConfig, synthApp, type TfJson } from "./helpers/synth";

// Every address of the example, stack by stack. Operators type these in `terraform state`,
// `-replace=`, import and moved blocks: changing one is a reviewed decision (the old object
// is destroyed and a new one created unless a moved block says otherwise).
const EXAMPLE_ADDRESSES: Record<string, string[]> = {
  "main-production": [
    "digitalocean_domain.main",
    "digitalocean_droplet.app",
    "digitalocean_firewall.internal",
    "digitalocean_firewall.management",
    "digitalocean_firewall.mesh",
    "digitalocean_firewall.web",
    "digitalocean_project.main",
    "digitalocean_project_resources.domain",
    "digitalocean_project_resources.droplet",
    "digitalocean_record.apex_a",
    "digitalocean_record.apex_aaaa",
    "digitalocean_record.api_a",
    "digitalocean_record.api_aaaa",
    "digitalocean_record.www_a",
    "digitalocean_record.www_aaaa",
    "digitalocean_ssh_key.main",
    "digitalocean_vpc.main",
    "null_resource.deploy_keys_sync_app",
  ],
  "data-production": [
    "data.terraform_remote_state.cross-stack-reference-input-main-production",
    "digitalocean_project_resources.spaces",
    "digitalocean_spaces_bucket.assets",
    "digitalocean_spaces_bucket.backups",
    "digitalocean_spaces_bucket.terraform_state",
    "digitalocean_spaces_key.assets",
    "digitalocean_spaces_key.backups",
    "digitalocean_spaces_key.terraform_state",
  ],
  "hosts-production": [
    "data.terraform_remote_state.cross-stack-reference-input-main-production",
    "local_file.wg0_ai_lab",
    "local_file.wg0_app",
    "local_file.wg0_core_prod",
    "local_sensitive_file.enroll_sh_ai_lab",
    "local_sensitive_file.enroll_sh_core_prod",
    "local_sensitive_file.user_data_ai_lab",
    "local_sensitive_file.user_data_core_prod",
    "null_resource.deploy_keys_sync_ai_lab",
    "null_resource.deploy_keys_sync_core_prod",
    "null_resource.mesh_sync_ai_lab",
    "null_resource.mesh_sync_app",
    "null_resource.mesh_sync_core_prod",
  ],
  "edge-production": [
    "cloudflare_dns_record.api_example_org_a",
    "cloudflare_dns_record.api_example_org_aaaa",
    "cloudflare_dns_record.blog_example_org_a",
    "cloudflare_dns_record.blog_example_org_aaaa",
    "cloudflare_dns_record.drive_example_net_cname",
    "cloudflare_dns_record.example_net_cname",
    "cloudflare_dns_record.gestion_example_org_a",
    "cloudflare_dns_record.gestion_example_org_aaaa",
    "cloudflare_dns_record.mail_example_net_a",
    "cloudflare_dns_record.mail_example_net_aaaa",
    "cloudflare_dns_record.www_example_org_cname",
    "cloudflare_zero_trust_tunnel_cloudflared.main",
    "cloudflare_zero_trust_tunnel_cloudflared_config.main",
    "data.cloudflare_zone.example_net",
    "data.terraform_remote_state.cross-stack-reference-input-main-production",
  ],
};

const EXAMPLE_OUTPUTS: Record<string, string[]> = {
  "main-production": ["droplet_ip", "droplet_ipv6", "droplet_private_ip", "firewall_ids", "project_id", "ssh_command", "user_data_sha256", "vpc_id"],
  "edge-production": ["dns_records", "hostnames", "tunnel_cname_target", "tunnel_id", "tunnel_name"],
};

function addresses(stack: TfJson): string[] {
  const of = (prefix: string, group: Record<string, Record<string, unknown>> | undefined) =>
    Object.entries(group ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [...of("", stack.resource), ...of("data.", stack.data)].sort();
}

describe("Terraform addresses", () => {
  let stacks: Record<string, TfJson>;
  beforeAll(async () => {
    stacks = synthApp(await exampleConfig()).stacks;
  });

  it.each(Object.keys(EXAMPLE_ADDRESSES))("%s: every address of the example is the pinned one", (name) => {
    expect(addresses(stacks[name] as TfJson)).toEqual(EXAMPLE_ADDRESSES[name]);
  });

  it("no stack is left out of the pinned list", () => {
    expect(Object.keys(stacks).sort()).toEqual(Object.keys(EXAMPLE_ADDRESSES).sort());
  });

  it("every name except CDKTF's own cross-stack plumbing is a plain Terraform identifier (no hashed logical id)", () => {
    for (const stack of Object.values(stacks)) {
      for (const address of addresses(stack).filter((candidate) => !candidate.startsWith("data.terraform_remote_state."))) {
        const name = address.slice(address.lastIndexOf(".") + 1);
        expect(name).toMatch(TERRAFORM_IDENTIFIER);
        expect(name).not.toMatch(/_[0-9A-F]{8}$/);
      }
    }
  });

  it.each(Object.keys(EXAMPLE_OUTPUTS))("%s: user outputs keep readable names", (name) => {
    const outputs = Object.keys(stacks[name]?.output ?? {}).filter((output) => !output.startsWith("cross-stack-output-"));
    expect(outputs.sort()).toEqual(EXAMPLE_OUTPUTS[name]);
  });

  it("variables are the credentials' documented names", () => {
    expect(Object.keys(stacks["main-production"]?.variable ?? {})).toEqual(["do_token"]);
    expect(Object.keys(stacks["data-production"]?.variable ?? {}).sort()).toEqual(["do_token", "spaces_access_id", "spaces_secret_key"]);
    expect(Object.keys(stacks["edge-production"]?.variable ?? {})).toEqual(["cloudflare_api_token"]);
  });
});

describe("names derived from config data", () => {
  it.each([
    ["core-prod", "core_prod"],
    ["blog.example.org", "blog_example_org"],
    ["*.example.org", "wildcard_example_org"],
    ["xn--bcher-kva.example", "xn_bcher_kva_example"],
    ["3d.example.org", "_3d_example_org"],
    ["Mixed--Case..x", "mixed_case_x"],
  ])("%s -> %s", (text, identifier) => {
    expect(terraformIdentifier(text)).toBe(identifier);
    expect(identifier).toMatch(TERRAFORM_IDENTIFIER);
  });

  it("is deterministic and always a Terraform identifier", () => {
    for (const text of ["a", "a-b", "a.b.c", "-x-", "x_y", "1", "@@a@@"]) {
      expect(terraformIdentifier(text)).toBe(terraformIdentifier(text));
      expect(terraformIdentifier(text)).toMatch(TERRAFORM_IDENTIFIER);
    }
  });

  it("refuses text with no letter or digit", () => {
    expect(() => terraformIdentifier("..")).toThrow('cannot derive a Terraform name from ".."');
  });

  it("role names: the apex record, firewalls, files of a host", () => {
    expect(RESOURCE_NAMES.digitalOceanRecord("@", "A")).toBe("apex_a");
    expect(RESOURCE_NAMES.digitalOceanRecord("www", "AAAA")).toBe("www_aaaa");
    expect(RESOURCE_NAMES.firewall("management")).toBe("management");
    expect(RESOURCE_NAMES.wireguardConfigFile("core-prod")).toBe("wg0_core_prod");
    expect(RESOURCE_NAMES.meshSync("core-prod")).toBe("mesh_sync_core_prod");
    expect(RESOURCE_NAMES.userDataFile("ai-lab")).toBe("user_data_ai_lab");
  });
});

describe("address collisions", () => {
  it("two DNS names that give the same Terraform name are refused, naming both constructs", () => {
    const stack = new TerraformStack(Testing.app(), "edge");
    const zone = { name: "example.org", id: "023e105f4ecef8ad9ca31a8372d0c353" };
    const target = { kind: "addresses" as const, ipv4: "198.51.100.20" };
    expect(
      () =>
        new CloudflareRecords(stack, "records", {
          zones: [zone],
          records: [
            { name: "a-b.example.org", zone: "example.org", target },
            { name: "a.b.example.org", zone: "example.org", target },
          ],
        }),
    ).toThrow(
      'edge/records/a_b_example_org_a: Terraform address = "cloudflare_dns_record.a_b_example_org_a": expected an address of its own: edge/records/a-b_example_org_a has it already',
    );
  });

  it("the same name for two types, or in two stacks, is no collision", () => {
    const app = Testing.app();
    for (const name of ["one", "two"]) {
      const stack = new TerraformStack(app, name);
      expect(() => nameResource(new Vpc(stack, "vpc", { name: "x", region: "fra1" }), "main")).not.toThrow();
    }
  });

  it("a name that is not a Terraform identifier is refused", () => {
    const stack = new TerraformStack(Testing.app(), "main");
    expect(() => nameResource(new Vpc(stack, "vpc", { name: "x", region: "fra1" }), "core-prod")).toThrow(
      'main/vpc: Terraform name = "core-prod": expected lowercase letters, digits and underscores, not starting with a digit',
    );
  });
});
