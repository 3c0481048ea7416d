import type { Config } from "../config/config";
import { exampleConfig, onlyResource, resourcesOf, synthApp, type TfJson } from "./helpers/synth";

type Rule = { protocol: string; port_range?: string; source_addresses?: string[]; destination_addresses?: string[] };

const INTERNET = ["0.0.0.0/0", "::/0"];

let config: Config;
let main: TfJson;

beforeAll(async () => {
  config = await exampleConfig();
  main = synthApp(config).stacks["main-production"]!;
});

function firewallNamed(stack: TfJson, name: string): { inbound_rule: Rule[]; outbound_rule: Rule[]; droplet_ids: unknown[] } & Record<string, unknown> {
  const found = Object.values(resourcesOf(stack, "digitalocean_firewall")).find((firewall) => firewall.name === name);
  if (found === undefined) throw new Error(`no firewall ${name}`);
  return found as never;
}

describe("main stack: networking", () => {
  it("creates one VPC named <project>-<env>-vpc with the configured range", () => {
    const [, vpc] = onlyResource(main, "digitalocean_vpc");
    expect(vpc).toMatchObject({ name: "izzzi-production-vpc", region: "fra1", ip_range: "10.0.0.0/16" });
  });
});

describe("main stack: droplet", () => {
  it("is <project>-<env>-app in the VPC, with the configured size, image and options", () => {
    const [, droplet] = onlyResource(main, "digitalocean_droplet");
    const [vpcId] = Object.keys(resourcesOf(main, "digitalocean_vpc"));
    expect(droplet).toMatchObject({
      name: "izzzi-production-app",
      region: "fra1",
      size: "s-2vcpu-4gb",
      image: "ubuntu-24-04-x64",
      monitoring: true,
      backups: false,
      ipv6: true,
      vpc_uuid: `\${digitalocean_vpc.${vpcId}.id}`,
    });
  });

  it("trusts the SSH key registered from ssh_public_key under ssh_key_name", () => {
    const [keyId, key] = onlyResource(main, "digitalocean_ssh_key");
    expect(key).toEqual({ name: "izzzi-deploy-key", public_key: config.sshPublicKey });
    expect(onlyResource(main, "digitalocean_droplet")[1].ssh_keys).toEqual([`\${digitalocean_ssh_key.${keyId}.fingerprint}`]);
  });

  it("tags as lowercase key:value, always with project, environment and managed-by", () => {
    expect(onlyResource(main, "digitalocean_droplet")[1].tags).toEqual([
      "cost-center:infra",
      "environment:production",
      "managed-by:cdktf",
      "project:izzzi",
      "team:platform",
    ]);
  });

  it("is replaced before destroy, ignores later ssh_keys and user_data changes, and has timeouts", () => {
    expect(onlyResource(main, "digitalocean_droplet")[1]).toMatchObject({
      lifecycle: { create_before_destroy: true, ignore_changes: ["ssh_keys", "user_data"] },
      timeouts: { create: "10m", update: "10m", delete: "10m" },
    });
  });

  it("boots with the cloud-config user data, whose hash is an output", () => {
    const userData = onlyResource(main, "digitalocean_droplet")[1].user_data as string;
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    expect(userData).toContain(config.sshPublicKey);
    expect(main.output?.user_data_sha256?.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it("joins the created DigitalOcean project", () => {
    const [projectId, project] = onlyResource(main, "digitalocean_project");
    expect(project).toMatchObject({ name: "izzzi-production", environment: "Production", purpose: "Web Application" });
    const [dropletId] = Object.keys(resourcesOf(main, "digitalocean_droplet"));
    const associations = Object.values(resourcesOf(main, "digitalocean_project_resources"));
    expect(associations).toContainEqual({
      project: `\${digitalocean_project.${projectId}.id}`,
      resources: [`\${digitalocean_droplet.${dropletId}.urn}`],
    });
  });
});

describe("main stack: the mesh firewall", () => {
  it("opens WireGuard (UDP 51820) only to the other mesh members' public addresses", () => {
    const mesh = firewallNamed(main, "izzzi-production-fw-mesh");
    expect(mesh.inbound_rule).toEqual([{ protocol: "udp", port_range: "51820", source_addresses: ["198.51.100.30/32", "198.51.100.20/32"] }]);
    expect(mesh.outbound_rule).toEqual([{ protocol: "udp", port_range: "51820", destination_addresses: ["198.51.100.30/32", "198.51.100.20/32"] }]);
  });

  it("is absent when the droplet is not a mesh member", () => {
    const hosts = config.hosts.map((host) => (host.provider === "digitalocean" ? { ...host, mesh: undefined } : host));
    const outside = synthApp({ ...config, hosts }).stacks["main-production"]!;
    expect(Object.values(resourcesOf(outside, "digitalocean_firewall")).map((firewall) => firewall.name)).not.toContain("izzzi-production-fw-mesh");
  });
});

describe("main stack: firewalls (those of the hand-written Terraform modules, rule by rule)", () => {
  it("are the hand-written modules' three plus -fw-mesh (the droplet is a mesh member), all attached to the droplet by id and never by tags", () => {
    const firewalls = Object.values(resourcesOf(main, "digitalocean_firewall"));
    const [dropletId] = Object.keys(resourcesOf(main, "digitalocean_droplet"));
    expect(firewalls.map((firewall) => firewall.name).sort()).toEqual([
      "izzzi-production-fw-internal",
      "izzzi-production-fw-management",
      "izzzi-production-fw-mesh",
      "izzzi-production-fw-web",
    ]);
    for (const firewall of firewalls) {
      expect(firewall.droplet_ids).toEqual([`\${digitalocean_droplet.${dropletId}.id}`]);
      expect(firewall).not.toHaveProperty("tags");
    }
  });

  const everythingTo = (addresses: string[]): Rule[] => [
    { protocol: "tcp", port_range: "1-65535", destination_addresses: addresses },
    { protocol: "udp", port_range: "1-65535", destination_addresses: addresses },
    { protocol: "icmp", destination_addresses: addresses },
  ];

  it("web: 80 and 443 from the whole internet, all traffic out to the internet", () => {
    const web = firewallNamed(main, "izzzi-production-fw-web");
    expect(web.inbound_rule).toEqual([
      { protocol: "tcp", port_range: "80", source_addresses: INTERNET },
      { protocol: "tcp", port_range: "443", source_addresses: INTERNET },
    ]);
    expect(web.outbound_rule).toEqual(everythingTo(INTERNET));
  });

  it("internal: PostgreSQL, Redis, frontend and backend from the VPC only, all traffic out to the VPC", () => {
    const internal = firewallNamed(main, "izzzi-production-fw-internal");
    expect(internal.inbound_rule).toEqual(
      ["5432", "6379", "3000", "4000"].map((port) => ({ protocol: "tcp", port_range: port, source_addresses: ["10.0.0.0/16"] })),
    );
    expect(internal.outbound_rule).toEqual(everythingTo(["10.0.0.0/16"]));
  });

  it("management: SSH from allowed_ssh_ips only, all traffic out to the internet", () => {
    const management = firewallNamed(main, "izzzi-production-fw-management");
    expect(management.inbound_rule).toEqual([
      { protocol: "tcp", port_range: "22", source_addresses: ["203.0.113.10/32", "198.51.100.0/28"] },
    ]);
    expect(management.outbound_rule).toEqual(everythingTo(INTERNET));
  });

  it("never open an internal service port to anything outside the VPC", () => {
    const inbound = Object.values(resourcesOf(main, "digitalocean_firewall")).flatMap((firewall) => firewall.inbound_rule as Rule[]);
    for (const rule of inbound.filter((r) => ["5432", "6379", "3000", "4000"].includes(r.port_range ?? ""))) {
      expect(rule.source_addresses).toEqual(["10.0.0.0/16"]);
    }
  });

  it("follow vpc_cidr and allowed_ssh_ips", () => {
    const custom = synthApp({ ...config, vpcCidr: "172.20.0.0/20", allowedSshIps: ["192.0.2.7/32"] }).stacks["main-production"]!;
    expect(firewallNamed(custom, "izzzi-production-fw-internal").inbound_rule[0]!.source_addresses).toEqual(["172.20.0.0/20"]);
    expect(firewallNamed(custom, "izzzi-production-fw-management").inbound_rule).toEqual([
      { protocol: "tcp", port_range: "22", source_addresses: ["192.0.2.7/32"] },
    ]);
  });
});

describe("main stack: DNS", () => {
  it("creates the zone and A + AAAA records for the apex, www and api with TTL 300", () => {
    const [domainId, domain] = onlyResource(main, "digitalocean_domain");
    const [dropletId] = Object.keys(resourcesOf(main, "digitalocean_droplet"));
    expect(domain).toEqual({ name: "example.com" });
    const records = Object.values(resourcesOf(main, "digitalocean_record"));
    const expected = ["@", "www", "api"].flatMap((name) => [
      { domain: `\${digitalocean_domain.${domainId}.name}`, name, type: "A", ttl: 300, value: `\${digitalocean_droplet.${dropletId}.ipv4_address}` },
      { domain: `\${digitalocean_domain.${domainId}.name}`, name, type: "AAAA", ttl: 300, value: `\${digitalocean_droplet.${dropletId}.ipv6_address}` },
    ]);
    expect(records).toHaveLength(6);
    expect(records).toEqual(expect.arrayContaining(expected));
  });

  it("has only A records when IPv6 is off", () => {
    const stack = synthApp({ ...config, enableIpv6: false }).stacks["main-production"]!;
    const types = Object.values(resourcesOf(stack, "digitalocean_record")).map((record) => record.type);
    expect(types).toEqual(["A", "A", "A"]);
    expect(onlyResource(stack, "digitalocean_droplet")[1].ipv6).toBe(false);
    expect(stack.output).not.toHaveProperty("droplet_ipv6");
  });

  it("is skipped without domain_name", () => {
    const { domainName: _unused, ...withoutDomain } = config;
    const stack = synthApp(withoutDomain).stacks["main-production"]!;
    expect(resourcesOf(stack, "digitalocean_record")).toEqual({});
    expect(resourcesOf(stack, "digitalocean_domain")).toEqual({});
  });

  it("adds records to an existing zone when manage_domain = false", () => {
    const stack = synthApp({ ...config, manageDomain: false }).stacks["main-production"]!;
    expect(resourcesOf(stack, "digitalocean_domain")).toEqual({});
    expect(Object.values(stack.data?.digitalocean_domain ?? {}).map(({ name }) => name)).toEqual(["example.com"]);
    expect(Object.values(resourcesOf(stack, "digitalocean_record"))[0]!.domain).toMatch(/^\$\{data\.digitalocean_domain\./);
  });
});

describe("main stack: variants", () => {
  it("reuses an existing SSH key by name instead of registering it again", () => {
    const stack = synthApp({ ...config, useExistingSshKey: true }).stacks["main-production"]!;
    expect(resourcesOf(stack, "digitalocean_ssh_key")).toEqual({});
    const [keyId, key] = Object.entries(stack.data?.digitalocean_ssh_key ?? {})[0]!;
    expect(key).toMatchObject({ name: "izzzi-deploy-key" });
    expect(onlyResource(stack, "digitalocean_droplet")[1].ssh_keys).toEqual([`\${data.digitalocean_ssh_key.${keyId}.fingerprint}`]);
  });

  it("attaches to do_project_id instead of creating a project", () => {
    const projectId = "0b9a37f0-3c1e-4c55-9f0e-4f2d5a8b7c61";
    const stack = synthApp({ ...config, doProjectId: projectId }).stacks["main-production"]!;
    expect(resourcesOf(stack, "digitalocean_project")).toEqual({});
    for (const association of Object.values(resourcesOf(stack, "digitalocean_project_resources"))) {
      expect(association.project).toBe(projectId);
    }
    expect(stack.output?.project_id?.value).toBe(projectId);
  });

  it("passes monitoring and backups through", () => {
    // Monitoring off breaks policy CMP-002, so the variant carries a waiver (see policy-config.test.ts).
    const waiver = { policy: "CMP-002", resource: "main-production/droplet/droplet", reason: "variant test of the monitoring flag" } as const;
    const stack = synthApp({ ...config, enableMonitoring: false, enableBackups: true, policyWaivers: [waiver] }).stacks["main-production"]!;
    expect(onlyResource(stack, "digitalocean_droplet")[1]).toMatchObject({ monitoring: false, backups: true });
  });
});

describe("main stack: provider, credentials and outputs", () => {
  it("pins the DigitalOcean provider and reads the token from a sensitive variable", () => {
    expect(main.terraform.required_providers.digitalocean).toEqual({ source: "digitalocean/digitalocean", version: "2.71.0" });
    expect(main.provider?.digitalocean).toEqual([{ token: "${var.do_token}" }]);
    expect(main.variable?.do_token).toMatchObject({ type: "string", sensitive: true });
  });

  it("keeps state locally under a relative path outside cdktf.out", () => {
    expect(main.terraform.backend).toEqual({ local: { path: "../../../terraform.main-production.tfstate" } });
  });

  it("exposes the hand-written modules' outputs", () => {
    expect(Object.keys(main.output ?? {})).toEqual(
      expect.arrayContaining(["droplet_ip", "droplet_private_ip", "ssh_command", "vpc_id", "firewall_ids", "project_id"]),
    );
    expect(main.output?.ssh_command?.value).toMatch(/^ssh deploy@\$\{digitalocean_droplet\.[^.]+\.ipv4_address\}$/);
  });
});
