import { App, TerraformStack, Testing, Token } from "cdktf";
import { Dns } from "../constructs/dns";
import { Droplet, type DropletProps } from "../constructs/droplet";
import { Firewalls } from "../constructs/firewalls";
import { digitalOceanTags } from "../constructs/naming";
import { Networking } from "../constructs/networking";
import { Project } from "../constructs/project";
import { Spaces, STANDARD_BUCKETS } from "../constructs/spaces";
import { makeStackLiteralsInert } from "../constructs/terraform-literals";
import { PropsError } from "../constructs/validation";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic a@b";

function freshStack(): TerraformStack {
  return new TerraformStack(Testing.app() as App, "test");
}

const dropletProps: DropletProps = {
  name: "shop-dev-app",
  region: "fra1",
  size: "s-1vcpu-1gb",
  image: "ubuntu-24-04-x64",
  vpcUuid: "vpc-uuid",
  sshKey: { kind: "create", name: "shop-key", publicKey: PUBLIC_KEY },
  userData: "#cloud-config\n",
};

describe("construct defaults", () => {
  it("Networking defaults to 10.0.0.0/16", () => {
    const stack = freshStack();
    expect(new Networking(stack, "net", { namePrefix: "shop-dev", region: "fra1" }).ipRange).toBe("10.0.0.0/16");
  });

  it("Droplet defaults: monitoring on, backups and IPv6 off, ssh_keys and user_data changes ignored, 10 minute timeouts", () => {
    const stack = freshStack();
    new Droplet(stack, "droplet", dropletProps);
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const droplet = Object.values(synthesized.resource.digitalocean_droplet ?? {})[0];
    expect(droplet).toMatchObject({
      monitoring: true,
      backups: false,
      ipv6: false,
      tags: [],
      lifecycle: { create_before_destroy: true, ignore_changes: ["ssh_keys", "user_data"] },
      timeouts: { create: "10m", update: "10m", delete: "10m" },
    });
    expect(synthesized.resource.digitalocean_project_resources).toBeUndefined();
  });

  it("Droplet lets user_data changes replace it only when asked; a key change never does", () => {
    const stack = freshStack();
    new Droplet(stack, "droplet", { ...dropletProps, replaceOnUserDataChange: true });
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.values(synthesized.resource.digitalocean_droplet ?? {})[0]?.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["ssh_keys"] });
  });

  it("Dns defaults to @, www and api with TTL 300 and no AAAA", () => {
    const stack = freshStack();
    const dns = new Dns(stack, "dns", { domainName: "example.org", ipv4Address: "192.0.2.1" });
    expect(dns.records).toHaveLength(3);
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const records = Object.values(synthesized.resource.digitalocean_record ?? {});
    expect(records.map((record) => [record.name, record.type, record.ttl])).toEqual([
      ["@", "A", 300],
      ["api", "A", 300],
      ["www", "A", 300],
    ]);
  });

  it("Spaces defaults to the application environment's three buckets with a key each", () => {
    const stack = freshStack();
    const spaces = new Spaces(stack, "spaces", { namePrefix: "shop-dev", region: "ams3" });
    expect(spaces.buckets.map(({ spec }) => spec)).toEqual(STANDARD_BUCKETS);
  });

  it("Project reuses an existing id without creating anything", () => {
    const stack = freshStack();
    const project = new Project(stack, "project", { name: "shop-dev", environment: "dev", existingProjectId: "abc" });
    expect(project.projectId).toBe("abc");
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  it("tags cannot override project and environment", () => {
    expect(digitalOceanTags("shop", "dev", { Project: "other", Owner: "Ops" })).toEqual([
      "environment:dev",
      "managed-by:cdktf",
      "owner:ops",
      "project:shop",
    ]);
  });
});

describe("invalid props are refused at construction, naming the construct, prop and value", () => {
  const cases: [string, (stack: TerraformStack) => unknown, string][] = [
    ["a public VPC range", (s) => new Networking(s, "net", { namePrefix: "shop-dev", region: "fra1", ipRange: "8.8.8.0/24" }), 'test/net: ipRange = "8.8.8.0/24": expected an RFC 1918 private IPv4 range'],
    ["a VPC range with host bits", (s) => new Networking(s, "net", { namePrefix: "shop-dev", region: "fra1", ipRange: "10.0.0.1/16" }), 'test/net: ipRange = "10.0.0.1/16": has host bits set: the network is 10.0.0.0/16'],
    ["an uppercase VPC name", (s) => new Networking(s, "net", { namePrefix: "Shop", region: "fra1" }), 'test/net: namePrefix = "Shop-vpc": expected a lowercase DigitalOcean resource name'],
    ["a droplet name with spaces", (s) => new Droplet(s, "d", { ...dropletProps, name: "my app" }), 'test/d: name = "my app": expected a lowercase DigitalOcean resource name'],
    ["empty user data", (s) => new Droplet(s, "d", { ...dropletProps, userData: " " }), 'test/d: userData = " ": expected a cloud-config document'],
    ["a broken public key", (s) => new Droplet(s, "d", { ...dropletProps, sshKey: { kind: "create", name: "k", publicKey: "ssh-rsa nope" } }), 'test/d: sshKey.publicKey = "ssh-rsa nope": has a base64 key body that is too short'],
    ["no SSH sources", (s) => new Firewalls(s, "fw", { namePrefix: "shop-dev", dropletIds: ["1"], vpcCidr: "10.0.0.0/16", allowedSshIps: [] }), "test/fw: allowedSshIps = []: expected at least one CIDR block"],
    ["a bad SSH source", (s) => new Firewalls(s, "fw", { namePrefix: "shop-dev", dropletIds: ["1"], vpcCidr: "10.0.0.0/16", allowedSshIps: ["1.2.3.4"] }), 'test/fw: allowedSshIps = "1.2.3.4": is missing its prefix length; for this single address write 1.2.3.4/32'],
    ["no droplets", (s) => new Firewalls(s, "fw", { namePrefix: "shop-dev", dropletIds: [], vpcCidr: "10.0.0.0/16", allowedSshIps: ["192.0.2.0/24"] }), "test/fw: dropletIds = []: expected at least one droplet"],
    ["a port out of range", (s) => new Firewalls(s, "fw", { namePrefix: "shop-dev", dropletIds: ["1"], vpcCidr: "10.0.0.0/16", allowedSshIps: ["192.0.2.0/24"], additionalSpecs: [{ suffix: "fw-extra", inbound: [{ protocol: "udp", ports: "70000", addresses: ["192.0.2.0/24"], purpose: "x" }], outbound: [] }] }), 'test/fw: fw-extra.ports = "70000": expected a port (1-65535) or a range low-high'],
    ["ICMP with ports", (s) => new Firewalls(s, "fw", { namePrefix: "shop-dev", dropletIds: ["1"], vpcCidr: "10.0.0.0/16", allowedSshIps: ["192.0.2.0/24"], additionalSpecs: [{ suffix: "fw-extra", inbound: [{ protocol: "icmp", ports: "1", addresses: ["192.0.2.0/24"], purpose: "x" }], outbound: [] }] }), 'test/fw: fw-extra.ports = "1": expected no port range for ICMP'],
    ["a TTL below DigitalOcean's minimum", (s) => new Dns(s, "dns", { domainName: "example.org", ipv4Address: "192.0.2.1", ttl: 10 }), "test/dns: ttl = 10: expected an integer from 30 to 86400"],
    ["duplicate record names", (s) => new Dns(s, "dns", { domainName: "example.org", ipv4Address: "192.0.2.1", recordNames: ["www", "www"] }), 'test/dns: recordNames = ["www","www"]: expected unique names'],
    ["an invalid zone", (s) => new Dns(s, "dns", { domainName: "Example.ORG", ipv4Address: "192.0.2.1" }), 'test/dns: domainName = "Example.ORG": expected a lowercase domain name'],
    ["a bucket name over 63 characters", (s) => new Spaces(s, "spaces", { namePrefix: "x".repeat(60), region: "fra1" }), `test/spaces: bucket name = "${"x".repeat(60)}-terraform-state": expected 3-63 lowercase letters, digits or dashes (S3 bucket rules)`],
    ["duplicate bucket suffixes", (s) => new Spaces(s, "spaces", { namePrefix: "shop-dev", region: "fra1", buckets: [STANDARD_BUCKETS[0]!, STANDARD_BUCKETS[0]!] }), 'test/spaces: buckets = ["terraform-state","terraform-state"]: expected unique bucket suffixes'],
    ["an unknown project environment", (s) => new Project(s, "project", { name: "shop", environment: "qa" as never }), 'test/project: environment = "qa": expected dev, staging or production'],
  ];

  it.each(cases)("refuses %s", (_name, build, message) => {
    const stack = freshStack();
    let thrown: unknown;
    try {
      build(stack);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PropsError);
    expect((thrown as Error).message).toBe(message);
  });
});

describe("Droplet user data reaches the droplet byte for byte", () => {
  it("the escaping boundary makes Terraform template sequences literal, so shell variables are not read as references", () => {
    const stack = freshStack();
    makeStackLiteralsInert(stack);
    const userData = '#cloud-config\nruncmd:\n  - echo "${HOME}" %{x}\n';
    new Droplet(stack, "droplet", { ...dropletProps, userData });
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.values(synthesized.resource.digitalocean_droplet ?? {})[0]?.user_data).toBe(
      '#cloud-config\nruncmd:\n  - echo "$${HOME}" %%{x}\n',
    );
  });

  it("refuses a user data token", () => {
    const stack = freshStack();
    expect(() => new Droplet(stack, "droplet", { ...dropletProps, userData: Token.asString({ ref: 1 }) })).toThrow(
      'test/droplet: userData = "<token>": expected a literal cloud-config document (references would make it unreviewable)',
    );
  });
});
