import { TerraformOutput, TerraformVariable, Token, type TerraformStack } from "cdktf";
import { Droplet } from "@cdktf/provider-digitalocean/lib/droplet";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import { Firewall, type FirewallInboundRule } from "@cdktf/provider-digitalocean/lib/firewall";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesBucketPolicy } from "@cdktf/provider-digitalocean/lib/spaces-bucket-policy";
import { Vpc } from "@cdktf/provider-digitalocean/lib/vpc";
import { File } from "@cdktf/provider-local/lib/file";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import { ZeroTrustAccessPolicy } from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import { ZeroTrustTunnelCloudflaredConfigA } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config";
import { CloudflareAccess } from "../constructs/cloudflare-access";
import { evaluatePolicies } from "../constructs/policy/aspect";
import { hostsIn } from "../constructs/policy/hosts";
import { blocksOfStack } from "../constructs/policy/synthesized-blocks";
import type { SynthesizedBlock } from "../constructs/policy/types";
import { Spaces } from "../constructs/spaces";
import { BASE_CONTEXT, problemLines, synthWithPolicies, userDataFixture } from "./helpers/policy";

/** A droplet that passes every policy unless overridden: key, monitoring, behind a firewall. */
function droplet(stack: TerraformStack, id: string, overrides: Partial<ConstructorParameters<typeof Droplet>[2]> = {}): Droplet {
  return new Droplet(stack, id, {
    name: id,
    region: "fra1",
    size: "s-1vcpu-1gb",
    image: "ubuntu-24-04-x64",
    sshKeys: ["aa:bb:cc"],
    monitoring: true,
    userData: userDataFixture("ufw-host.yaml"),
    ...overrides,
  });
}

function firewall(stack: TerraformStack, inbound: FirewallInboundRule[], dropletIds: number[] = []): Firewall {
  return new Firewall(stack, "fw", { name: "fw", dropletIds, inboundRule: inbound });
}

describe("NET-001: internal ports stay inside the VPC and mesh", () => {
  it("fails a firewall opening PostgreSQL to the internet, naming rule, port, source and fix", () => {
    const run = synthWithPolicies((stack) => firewall(stack, [{ protocol: "tcp", portRange: "5432", sourceAddresses: ["0.0.0.0/0", "10.0.0.0/16"] }]));
    expect(problemLines(run)).toEqual([
      "NET-001 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens internal tcp 5432 (PostgreSQL) to 0.0.0.0/0, outside the VPC and mesh (10.0.0.0/16)",
    ]);
    expect(run.report).toContain("fix: allow the port from vpc_cidr or the WireGuard mesh only");
    expect(run.written).toBe(false);
  });

  it("fails an all-ports rule from a private range that is not the VPC, and a declared internal port", () => {
    const run = synthWithPolicies(
      (stack) =>
        firewall(stack, [
          { protocol: "tcp", portRange: "1-65535", sourceAddresses: ["192.168.0.0/16"] },
          { protocol: "tcp", portRange: "8080", sourceAddresses: ["::/0"] },
        ]),
      { internalPorts: [5432, 6379, 3000, 4000, 8080] },
    );
    expect(problemLines(run)).toEqual([
      "NET-001 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens internal tcp 5432 (PostgreSQL), 6379 (Redis), 3000 (Frontend), 4000 (Backend), 8080 to 192.168.0.0/16, outside the VPC and mesh (10.0.0.0/16)",
      "NET-001 test/fw (digitalocean_firewall.fw): inbound_rule[1] opens internal tcp 8080 to ::/0, outside the VPC and mesh (10.0.0.0/16)",
    ]);
  });

  it("fails a source it cannot check (a reference that is not the VPC range)", () => {
    const run = synthWithPolicies((stack) => {
      const other = new TerraformVariable(stack, "office", { type: "string" });
      firewall(stack, [{ protocol: "tcp", portRange: "6379", sourceAddresses: [other.stringValue] }]);
    });
    expect(problemLines(run)).toEqual([
      'NET-001 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens internal tcp 6379 (Redis) to "${var.office}" (not a literal address, cannot be checked), outside the VPC and mesh (10.0.0.0/16)',
    ]);
  });

  it("fails UFW rules in a host's user data that open Redis and route PostgreSQL from anywhere", () => {
    const run = synthWithPolicies((stack) => droplet(stack, "host", { userData: userDataFixture("ufw-exposes-internal.yaml") }));
    expect(problemLines(run)).toEqual([
      "NET-001 test/host (digitalocean_droplet.host): user_data: `ufw allow 6379/tcp` opens internal tcp 6379 (Redis) to 0.0.0.0/0, ::/0, outside the VPC and mesh (10.0.0.0/16)",
      "NET-001 test/host (digitalocean_droplet.host): user_data: `ufw route allow proto tcp from any to any port 5432` opens internal tcp 5432 (PostgreSQL) to 0.0.0.0/0, ::/0, outside the VPC and mesh (10.0.0.0/16)",
    ]);
  });

  it("passes internal ports from the VPC (literal or by reference), the mesh network and the mesh interface", () => {
    const run = synthWithPolicies(
      (stack) => {
        const vpc = new Vpc(stack, "vpc", { name: "vpc", region: "fra1", ipRange: "10.20.0.0/16" });
        firewall(stack, [
          { protocol: "tcp", portRange: "5432", sourceAddresses: ["10.0.0.0/16", "10.0.3.0/24"] },
          { protocol: "tcp", portRange: "6379", sourceAddresses: [vpc.ipRange] },
          { protocol: "tcp", portRange: "3000", sourceAddresses: ["10.20.1.0/24"] },
          { protocol: "tcp", portRange: "4000", sourceAddresses: ["10.99.0.0/24"] },
          { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
        ]);
        droplet(stack, "host");
      },
      { trustedNetworks: ["10.0.0.0/16", "10.99.0.0/24"] },
    );
    expect(run.report).toBeUndefined();
    expect(run.written).toBe(true);
  });
});

const ALL_IPV4 = "3,702,258,688 public IPv4 addresses";
const LIMIT = "the limit is a /8 of IPv4 (16,777,216 addresses) and a /32 of IPv6";
const WORLD_BOTH = `the whole internet (${ALL_IPV4} and more than a /4 of public IPv6; ${LIMIT})`;

describe("NET-002: SSH is never open to the whole internet, however it is spelled", () => {
  it("fails SSH from ::/0 on a cloud firewall and `ufw allow OpenSSH` on a host", () => {
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host", { userData: userDataFixture("ufw-ssh-anywhere.yaml") });
      firewall(stack, [{ protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.10/32", "::/0"] }], [Token.asNumber(host.id)]);
    });
    expect(problemLines(run)).toEqual([
      `NET-002 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens SSH (tcp 22) to 203.0.113.10/32, ::/0, ${WORLD_BOTH}`,
      `NET-002 test/host (digitalocean_droplet.host): user_data: \`ufw allow OpenSSH\` opens SSH (tcp 22) to 0.0.0.0/0, ::/0, ${WORLD_BOTH}`,
    ]);
    expect(run.report).toContain("fix: list the addresses that need SSH in allowed_ssh_ips");
  });

  it("adds up the world split over rules of one firewall: 0.0.0.0/1 + 128.0.0.0/1, and ::/1 + 8000::/1", () => {
    const run = synthWithPolicies((stack) =>
      firewall(stack, [
        { protocol: "tcp", portRange: "22", sourceAddresses: ["0.0.0.0/1"] },
        { protocol: "tcp", portRange: "20-30", sourceAddresses: ["128.0.0.0/1", "::/1"] },
        { protocol: "tcp", portRange: "1-1024", sourceAddresses: ["8000::/1"] },
      ]),
    );
    expect(problemLines(run)).toEqual([
      `NET-002 test/fw (digitalocean_firewall.fw): inbound_rule[0], inbound_rule[1], inbound_rule[2] open SSH (tcp 22) to 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1, ${WORLD_BOTH}`,
    ]);
  });

  it("adds up 512 /9s spread over two cloud firewalls attached to the same droplet, and names both", () => {
    const slash9s = Array.from({ length: 512 }, (_, index) => `${index >> 1}.${(index & 1) * 128}.0.0/9`);
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host");
      new Firewall(stack, "fw-a", { name: "a", dropletIds: [Token.asNumber(host.id)], inboundRule: [{ protocol: "tcp", portRange: "22", sourceAddresses: slash9s.slice(0, 256) }] });
      new Firewall(stack, "fw-b", { name: "b", dropletIds: [Token.asNumber(host.id)], inboundRule: [{ protocol: "tcp", portRange: "22", sourceAddresses: slash9s.slice(256) }] });
    });
    const problem = `SSH (tcp 22) to 0.0.0.0/9, 0.128.0.0/9, 1.0.0.0/9, 1.128.0.0/9, 2.0.0.0/9, 2.128.0.0/9 and 506 more, the whole internet (${ALL_IPV4}; ${LIMIT})`;
    expect(problemLines(run)).toEqual([
      `NET-002 test/fw-a (digitalocean_firewall.fw-a): inbound_rule[0] (with digitalocean_firewall.fw-b inbound_rule[0]) open ${problem}`,
      `NET-002 test/fw-b (digitalocean_firewall.fw-b): inbound_rule[0] (with digitalocean_firewall.fw-a inbound_rule[0]) open ${problem}`,
    ]);
  });

  it("adds a firewall whose droplets cannot be read (attached by tag) to every droplet's audience", () => {
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host");
      new Firewall(stack, "fw-ids", { name: "a", dropletIds: [Token.asNumber(host.id)], inboundRule: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["20.0.0.0/9"] }] });
      // Each firewall alone stays within a /8; together they exceed it.
      new Firewall(stack, "fw-tag", { name: "b", tags: ["web"], inboundRule: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["40.0.0.0/9", "41.0.0.0/9"] }] });
    });
    expect(problemLines(run).map((line) => line.split(": ")[0])).toEqual(["NET-002 test/fw-ids (digitalocean_firewall.fw-ids)", "NET-002 test/fw-tag (digitalocean_firewall.fw-tag)"]);
    expect(problemLines(run)[0]).toContain("inbound_rule[0] (with digitalocean_firewall.fw-tag inbound_rule[0]) open SSH (tcp 22) to 20.0.0.0/9, 40.0.0.0/9, 41.0.0.0/9, the whole internet (25,165,824 public IPv4 addresses;");
  });

  it("adds up UFW rules of one host, IPv4-mapped IPv6 included, and an sshd Port the host configures", () => {
    const userData = [
      "#cloud-config",
      "write_files:",
      "  - path: /etc/ssh/sshd_config.d/port.conf",
      "    content: |",
      "      Port 2222",
      "runcmd:",
      "  - ufw default deny incoming",
      "  - ufw allow from ::ffff:0.0.0.0/97 to any port 2222 proto tcp",
      "  - ufw allow from 128.0.0.0/1 to any port 2000:2999 proto tcp",
      "  - ufw --force enable",
      "",
    ].join("\n");
    const run = synthWithPolicies((stack) => droplet(stack, "host", { userData }));
    expect(problemLines(run)).toEqual([
      `NET-002 test/host (digitalocean_droplet.host): user_data: \`ufw allow from ::ffff:0.0.0.0/97 to any port 2222 proto tcp\`, user_data: \`ufw allow from 128.0.0.0/1 to any port 2000:2999 proto tcp\` open SSH (tcp 2222) to ::ffff:0.0.0.0/97, 128.0.0.0/1, the whole internet (${ALL_IPV4}; ${LIMIT})`,
    ]);
  });

  it("fails an SSH source it cannot measure", () => {
    const run = synthWithPolicies((stack) => {
      const office = new TerraformVariable(stack, "office", { type: "string" });
      firewall(stack, [{ protocol: "tcp", portRange: "22", sourceAddresses: [office.stringValue, "010.0.0.1"] }]);
    });
    expect(problemLines(run)).toEqual([
      'NET-002 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens SSH (tcp 22) to "${var.office}", which is not a literal address or block and cannot be measured',
      'NET-002 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens SSH (tcp 22) to "010.0.0.1", which is not a literal address or block and cannot be measured',
    ]);
  });

  it("only warns, on a passing synth, when allow_ssh_from_anywhere = true", () => {
    const run = synthWithPolicies((stack) => firewall(stack, [{ protocol: "tcp", portRange: "22", sourceAddresses: ["0.0.0.0/0"] }]), {
      allowSshFromAnywhere: true,
    });
    expect(run.report).toBeUndefined();
    expect(run.written).toBe(true);
    expect(run.notices[0]?.split("\n")[0]).toBe(
      `warning: NET-002 test/fw (digitalocean_firewall.fw): inbound_rule[0] opens SSH (tcp 22) to 0.0.0.0/0, the whole internet (${ALL_IPV4}; ${LIMIT}) (accepted: allow_ssh_from_anywhere = true)`,
    );
  });

  it("passes SSH from a few admin ranges, a /8 worth of public space, the VPC and private space, and UDP 22 from anywhere", () => {
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host");
      firewall(
        stack,
        [
          { protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "2001:db8::/48", "2a01:4f8::/32"] },
          { protocol: "tcp", portRange: "22", sourceAddresses: ["20.0.0.0/9", "40.128.0.0/9", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"] },
          { protocol: "udp", portRange: "22", sourceAddresses: ["0.0.0.0/0", "::/0"] },
        ],
        [Token.asNumber(host.id)],
      );
      // A second firewall on another droplet is another audience: it does not add up with the first.
      const other = droplet(stack, "other");
      new Firewall(stack, "fw-other", { name: "o", dropletIds: [Token.asNumber(other.id)], inboundRule: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["60.0.0.0/8"] }] });
    });
    expect(run).toMatchObject({ report: undefined, notices: [] });
  });
});

describe("NET-003: the WireGuard port is open to the mesh peers, not the internet", () => {
  it("fails WireGuard open to the world, split in halves over two rules, on the mesh port and a ListenPort the host writes", () => {
    const userData = [
      "#cloud-config",
      "write_files:",
      "  - path: /etc/wireguard/wg1.conf",
      "    content: |",
      "      [Interface]",
      "      ListenPort = 51999",
      "runcmd:",
      "  - ufw default deny incoming",
      "  - ufw allow 51999/udp",
      "  - ufw --force enable",
      "",
    ].join("\n");
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host", { userData });
      firewall(
        stack,
        [
          { protocol: "udp", portRange: "51820", sourceAddresses: ["0.0.0.0/1", "198.51.100.30/32"] },
          { protocol: "udp", portRange: "51000-52000", sourceAddresses: ["128.0.0.0/1"] },
        ],
        [Token.asNumber(host.id)],
      );
    });
    expect(problemLines(run)).toEqual([
      `NET-003 test/fw (digitalocean_firewall.fw): inbound_rule[0], inbound_rule[1] open WireGuard (udp 51820) to 0.0.0.0/1, 198.51.100.30/32, 128.0.0.0/1, the whole internet (${ALL_IPV4}; ${LIMIT})`,
      `NET-003 test/fw (digitalocean_firewall.fw): inbound_rule[1] opens WireGuard (udp 51999) to 128.0.0.0/1, the whole internet (1,609,300,992 public IPv4 addresses; ${LIMIT})`,
      `NET-003 test/host (digitalocean_droplet.host): user_data: \`ufw allow 51999/udp\` opens WireGuard (udp 51999) to 0.0.0.0/0, ::/0, ${WORLD_BOTH}`,
    ]);
    expect(run.report).toContain("fix: open the WireGuard port to the mesh peers' public addresses only");
  });

  it("passes WireGuard from the peers, over TCP from anywhere (not WireGuard), and from run-time peer endpoints", () => {
    const script = '#!/bin/sh\nufw default deny incoming\nufw --force enable\nwhile read -r source; do ufw allow proto udp from "$source" to any port 51820; done\n';
    const run = synthWithPolicies((stack) => {
      const host = droplet(stack, "host", { userData: script });
      firewall(
        stack,
        [
          { protocol: "udp", portRange: "51820", sourceAddresses: ["198.51.100.20/32", "198.51.100.30/32", "2001:db8:100::20/128"] },
          { protocol: "tcp", portRange: "51820", sourceAddresses: ["0.0.0.0/0"] },
        ],
        [Token.asNumber(host.id)],
      );
    });
    expect(run.report).toBeUndefined();
  });
});

const ACCOUNT = "699d98642c564d2e855e9661899b7252";

/** A tunnel configuration written directly, bypassing the tunnel construct's own checks, as any future code could. */
function tunnelConfig(stack: TerraformStack, services: Record<string, string>): void {
  new CloudflareProvider(stack, "cloudflare", {});
  new ZeroTrustTunnelCloudflaredConfigA(stack, "tunnel", {
    accountId: ACCOUNT,
    tunnelId: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415",
    config: { ingress: [...Object.entries(services).map(([hostname, service]) => ({ hostname, service })), { service: "http_status:404" }] },
  });
}

describe("NET-004: a tunnel publishes web services of its own host; SSH, TCP and RDP only behind Cloudflare Access", () => {
  it("fails services off the host, raw streams without Access and an unreadable service", () => {
    const run = synthWithPolicies((stack) =>
      tunnelConfig(stack, {
        "vpc.example.net": "http://10.0.0.5:8080",
        "meta.example.net": "http://169.254.169.254",
        "peer.example.net": "https://[fd00::1]:443",
        "ssh.example.net": "ssh://localhost:22",
        "db.example.net": "tcp://127.0.0.1:5432",
        "desk.example.net": "rdp://localhost",
        "odd.example.net": "localhost:8080",
        "web.example.net": "http://localhost:8080",
        "sock.example.net": "unix:/run/app.sock",
      }),
    );
    const at = "NET-004 test/tunnel (cloudflare_zero_trust_tunnel_cloudflared_config.tunnel): config.ingress";
    const offHost = "tunnel services must be on the tunnel's host (localhost, 127.0.0.1, [::1] or a unix socket)";
    expect(problemLines(run)).toEqual([
      `${at}[0] publishes vpc.example.net -> "http://10.0.0.5:8080", a service on 10.0.0.5: ${offHost}`,
      `${at}[1] publishes meta.example.net -> "http://169.254.169.254", a service on 169.254.169.254: ${offHost}`,
      `${at}[2] publishes peer.example.net -> "https://[fd00::1]:443", a service on fd00::1: ${offHost}`,
      `${at}[3] publishes ssh.example.net -> "ssh://localhost:22", a raw SSH stream, to the whole internet without Cloudflare Access`,
      `${at}[4] publishes db.example.net -> "tcp://127.0.0.1:5432", a raw TCP stream, to the whole internet without Cloudflare Access`,
      `${at}[5] publishes desk.example.net -> "rdp://localhost", a raw RDP stream, to the whole internet without Cloudflare Access`,
      `${at}[6] publishes odd.example.net -> "localhost:8080": the service cannot be read, so what it exposes cannot be checked`,
    ]);
    expect(run.report).toContain("fix: point the tunnel at a service on its own host");
  });

  it("counts a public web hostname as an inbound rule from the world: NET-001 on internal ports, NET-002 on SSH", () => {
    const run = synthWithPolicies((stack) => tunnelConfig(stack, { "db.example.net": "http://localhost:5432", "shell.example.net": "http://[::1]:22" }));
    expect(problemLines(run)).toEqual([
      "NET-001 test/tunnel (cloudflare_zero_trust_tunnel_cloudflared_config.tunnel): tunnel hostname db.example.net -> http://localhost:5432 opens internal tcp 5432 (PostgreSQL) to 0.0.0.0/0, ::/0, outside the VPC and mesh (10.0.0.0/16)",
      `NET-002 test/tunnel (cloudflare_zero_trust_tunnel_cloudflared_config.tunnel): tunnel hostname shell.example.net -> http://[::1]:22 opens SSH (tcp 22) to 0.0.0.0/0, ::/0, ${WORLD_BOTH}`,
    ]);
  });

  it("passes SSH, TCP and internal ports behind an Access application that names who may pass", () => {
    const run = synthWithPolicies((stack) => {
      tunnelConfig(stack, { "ssh.example.net": "ssh://localhost:22", "db.example.net": "http://localhost:5432" });
      for (const hostname of ["ssh.example.net", "db.example.net"]) {
        new CloudflareAccess(stack, `access-${hostname}`, { accountId: ACCOUNT, hostname, name: hostname, allowedEmails: ["ops@example.org"], allowedEmailDomains: [], groupIds: [] });
      }
    });
    expect(run.report).toBeUndefined();
  });

  it.each([
    ["lets everyone in", { decision: "allow", include: [{ everyone: {} }] }],
    ["bypasses login", { decision: "bypass", include: [{ email: { email: "ops@example.org" } }] }],
    ["includes no one", { decision: "allow", include: [] }],
  ])("does not count an Access application whose policy %s", (_what, policy) => {
    const run = synthWithPolicies((stack) => {
      tunnelConfig(stack, { "ssh.example.net": "ssh://localhost:22" });
      const access = new ZeroTrustAccessPolicy(stack, "policy", { accountId: ACCOUNT, name: "p", ...policy });
      new ZeroTrustAccessApplication(stack, "app", { accountId: ACCOUNT, type: "self_hosted", domain: "ssh.example.net", policies: [{ id: access.id, precedence: 1 }] });
    });
    expect(problemLines(run)).toEqual([
      'NET-004 test/tunnel (cloudflare_zero_trust_tunnel_cloudflared_config.tunnel): config.ingress[0] publishes ssh.example.net -> "ssh://localhost:22", a raw SSH stream, to the whole internet without Cloudflare Access',
    ]);
  });

  it("does not count an Access application for another hostname", () => {
    const run = synthWithPolicies((stack) => {
      tunnelConfig(stack, { "ssh.example.net": "ssh://localhost:22" });
      new CloudflareAccess(stack, "access", { accountId: ACCOUNT, hostname: "other.example.net", name: "other", allowedEmails: ["ops@example.org"], allowedEmailDomains: [], groupIds: [] });
    });
    expect(problemLines(run)).toHaveLength(1);
  });
});

describe("waivers name one resource of one policy, exactly", () => {
  const monitoringOff = (stack: string) =>
    blocksOfStack(stack, { resource: { digitalocean_droplet: { web: { ssh_keys: ["aa"], monitoring: false, "//": { metadata: { path: `${stack}/web` } } } } } });
  const blocks = [...monitoringOff("one"), ...monitoringOff("two")];
  const waive = (resource: string) => ({ ...BASE_CONTEXT, waivers: [{ policy: "CMP-002" as const, resource, reason: "graphs come from node_exporter", source: "policy_waivers[0]" }] });

  it("a bare Terraform address that two stacks share waives neither, and says how to name one", () => {
    const outcome = evaluatePolicies(blocks, waive("digitalocean_droplet.web"));
    expect(outcome.errors.filter((error) => error.policy === "CMP-002").map((error) => error.constructPath)).toEqual(["one/web", "two/web"]);
    expect(outcome.unusedWaivers.map((waiver) => waiver.why)).toEqual([
      "names a Terraform address that exists in several stacks; write it with its stack (e.g. one/digitalocean_droplet.web, two/digitalocean_droplet.web)",
    ]);
  });

  it("a stack-qualified address or a construct path waives that one resource only", () => {
    for (const resource of ["two/digitalocean_droplet.web", "two/web"]) {
      const outcome = evaluatePolicies(blocks, waive(resource));
      expect(outcome.errors.filter((error) => error.policy === "CMP-002").map((error) => error.constructPath)).toEqual(["one/web"]);
      expect(outcome.waived.map(({ finding }) => finding.constructPath)).toEqual(["two/web"]);
      expect(outcome.unusedWaivers).toEqual([]);
    }
  });
});

describe("STO-001: no public bucket except the declared assets bucket", () => {
  it("fails a public backups bucket, a public-write assets bucket and an everyone-allowed bucket policy", () => {
    const run = synthWithPolicies((stack) => {
      new SpacesBucket(stack, "backups", { name: "izzzi-production-backups", region: "fra1", acl: "public-read" });
      new SpacesBucket(stack, "assets", { name: "izzzi-production-assets", region: "fra1", acl: "public-read-write" });
      const logs = new SpacesBucket(stack, "logs", { name: "izzzi-production-logs", region: "fra1", acl: "private" });
      new SpacesBucketPolicy(stack, "logs-policy", {
        region: "fra1",
        bucket: logs.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] }),
      });
    });
    expect(problemLines(run)).toEqual([
      'STO-001 test/backups (digitalocean_spaces_bucket.backups): bucket "izzzi-production-backups" has acl = "public-read" and is not the declared assets bucket',
      'STO-001 test/assets (digitalocean_spaces_bucket.assets): bucket "izzzi-production-assets" has acl = "public-read-write" and lets anyone write to it',
      'STO-001 test/logs-policy (digitalocean_spaces_bucket_policy.logs-policy): bucket policy on "izzzi-production-logs" allows Principal "*" and the bucket is not the declared assets bucket',
    ]);
  });

  it("passes the application environment's buckets: only the assets bucket is public-read", () => {
    const run = synthWithPolicies((stack) => new Spaces(stack, "spaces", { namePrefix: "izzzi-production", region: "fra1" }));
    expect(run).toMatchObject({ report: undefined, notices: [], written: true });
  });
});

describe("STO-002: the state bucket is versioned and protected from destroy", () => {
  it("fails a state bucket without versioning or prevent_destroy, with force_destroy", () => {
    const run = synthWithPolicies((stack) =>
      new SpacesBucket(stack, "state", { name: "izzzi-production-terraform-state", region: "fra1", acl: "private", forceDestroy: true }),
    );
    expect(problemLines(run)).toEqual([
      'STO-002 test/state (digitalocean_spaces_bucket.state): state bucket "izzzi-production-terraform-state": versioning is not enabled; lifecycle.prevent_destroy is not true; force_destroy = true would delete its objects with it',
    ]);
  });

  it("recognises a state bucket by its name even when it is not the declared one", () => {
    const run = synthWithPolicies((stack) =>
      new SpacesBucket(stack, "state", { name: "other-tfstate", region: "fra1", acl: "private", versioning: { enabled: true } }),
    );
    expect(problemLines(run)).toEqual([
      'STO-002 test/state (digitalocean_spaces_bucket.state): state bucket "other-tfstate": lifecycle.prevent_destroy is not true',
    ]);
  });

  it("passes a versioned, prevent_destroy state bucket", () => {
    const run = synthWithPolicies((stack) =>
      new SpacesBucket(stack, "state", {
        name: "izzzi-production-terraform-state",
        region: "fra1",
        acl: "private",
        versioning: { enabled: true },
        lifecycle: { preventDestroy: true },
      }),
    );
    expect(run.report).toBeUndefined();
  });
});

describe("CMP-001 and CMP-002: droplets have SSH keys and monitoring", () => {
  it("fails a droplet without keys and one without monitoring", () => {
    const run = synthWithPolicies((stack) => {
      droplet(stack, "keyless", { sshKeys: [] });
      droplet(stack, "unmonitored", { monitoring: false });
    });
    expect(problemLines(run)).toEqual([
      "CMP-001 test/keyless (digitalocean_droplet.keyless): droplet has no ssh_keys",
      "CMP-002 test/unmonitored (digitalocean_droplet.unmonitored): droplet has monitoring turned off (enable_monitoring = false)",
    ]);
  });

  it("passes a droplet with a key and monitoring", () => {
    expect(synthWithPolicies((stack) => droplet(stack, "host")).report).toBeUndefined();
  });
});

describe("HOST-001: every host's UFW denies inbound by default", () => {
  const hostWith = (fixture: string) => synthWithPolicies((stack) => droplet(stack, "host", { userData: userDataFixture(fixture) }));

  it.each([
    ["ufw-allows-inbound.yaml", "user_data sets `ufw default allow incoming`: inbound traffic is allowed by default"],
    ["ufw-enabled-first.yaml", "user_data enables UFW before `ufw default deny incoming`: it boots with the image's defaults"],
    ["ufw-never-enabled.yaml", "user_data configures UFW but never runs `ufw --force enable`: the firewall stays off"],
    ["no-ufw.yaml", "user_data never configures UFW and no cloud firewall protects it: inbound traffic is not denied by default"],
  ])("fails %s", (fixture, problem) => {
    expect(problemLines(hostWith(fixture))).toEqual([`HOST-001 test/host (digitalocean_droplet.host): ${problem}`]);
  });

  it("reads UFW from shell-script and jinja-templated user data too", () => {
    const script = "#!/bin/bash\nset -e\nufw default deny incoming\nufw allow 6379/tcp\nufw --force enable\n";
    const jinja = `## template: jinja\n${userDataFixture("ufw-allows-inbound.yaml")}`;
    const run = synthWithPolicies((stack) => {
      droplet(stack, "script", { userData: script });
      droplet(stack, "jinja", { userData: jinja });
    });
    expect(problemLines(run)).toEqual([
      "NET-001 test/script (digitalocean_droplet.script): user_data: `ufw allow 6379/tcp` opens internal tcp 6379 (Redis) to 0.0.0.0/0, ::/0, outside the VPC and mesh (10.0.0.0/16)",
      "HOST-001 test/jinja (digitalocean_droplet.jinja): user_data sets `ufw default allow incoming`: inbound traffic is allowed by default",
    ]);
  });

  it("fails user data that is not YAML, and a droplet with no user data outside any firewall", () => {
    const run = synthWithPolicies((stack) => {
      droplet(stack, "broken", { userData: "#cloud-config\nruncmd: [unclosed\n" });
      const bare = droplet(stack, "bare");
      bare.addOverride("user_data", null);
    });
    const lines = problemLines(run);
    expect(lines[0]).toMatch(/^HOST-001 test\/broken \(digitalocean_droplet\.broken\): user_data is not valid YAML \(.+\)$/);
    expect(lines[1]).toBe(
      "HOST-001 test/bare (digitalocean_droplet.bare): host has no cloud-config (user_data) and no cloud firewall protects it: inbound traffic is not denied by default",
    );
  });

  it("fails a non-droplet host (a rendered OVH cloud-init file) without UFW", () => {
    const run = synthWithPolicies((stack) => new File(stack, "ovh-host", { filename: "ovh-1.yaml", content: userDataFixture("no-ufw.yaml") }));
    expect(problemLines(run)).toEqual([
      "HOST-001 test/ovh-host (local_file.ovh-host): content never configures UFW and no cloud firewall protects it: inbound traffic is not denied by default",
    ]);
  });

  it("fails a firewalled droplet without UFW once UFW is required everywhere", () => {
    const build = (stack: TerraformStack): void => {
      const host = droplet(stack, "host", { userData: userDataFixture("no-ufw.yaml") });
      firewall(stack, [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] }], [Token.asNumber(host.id)]);
    };
    expect(synthWithPolicies(build).report).toBeUndefined();
    expect(problemLines(synthWithPolicies(build, { requireUfwOnFirewalledDroplets: true }))).toEqual([
      "HOST-001 test/host (digitalocean_droplet.host): user_data never configures UFW: inbound traffic is not denied by default",
    ]);
  });

  it.each(["ufw-host.yaml", "ufw-default-file.yaml"])("passes %s (deny by default, enabled last)", (fixture) => {
    expect(hostWith(fixture)).toMatchObject({ report: undefined, notices: [], written: true });
  });

  it("passes the same hand-made user data on an OVH-style rendered file", () => {
    const run = synthWithPolicies((stack) => new File(stack, "ovh-host", { filename: "ovh-1.yaml", content: userDataFixture("ufw-host.yaml") }));
    expect(run.report).toBeUndefined();
  });
});

describe("hosts are read once per evaluation", () => {
  const fileBlock = (content: string): SynthesizedBlock => ({
    stack: "hosts-production",
    section: "resource",
    type: "local_file",
    address: "local_file.ovh",
    constructPath: "hosts-production/ovh",
    attributes: { content },
  });

  it("gives every policy of one evaluation the same parsed hosts, and a new evaluation its own", () => {
    const blocks = [fileBlock(userDataFixture("ufw-host.yaml"))];
    expect(hostsIn(blocks)).toBe(hostsIn(blocks));
    expect(hostsIn([...blocks])).not.toBe(hostsIn(blocks));
    expect(hostsIn([...blocks])).toEqual(hostsIn(blocks));
  });

  it("judges a changed document in a later evaluation by its new text", () => {
    const denying = evaluatePolicies([fileBlock(userDataFixture("ufw-host.yaml"))], BASE_CONTEXT);
    const allowing = evaluatePolicies([fileBlock(userDataFixture("ufw-allows-inbound.yaml"))], BASE_CONTEXT);
    expect(denying.errors).toEqual([]);
    expect(allowing.errors.map((error) => error.policy)).toEqual(["HOST-001"]);
  });
});

describe("SEC-001: nothing synthesized looks like a secret", () => {
  it("fails a token in an output, a WireGuard key in user data and a PEM key in a file, without echoing them", () => {
    const token = `dop_v1_${"5e".repeat(32)}`;
    const run = synthWithPolicies((stack) => {
      new TerraformOutput(stack, "leak", { value: token });
      droplet(stack, "host", { userData: userDataFixture("wireguard-embedded-key.yaml") });
      new File(stack, "key", { filename: "id", content: `-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH ${"PRIVATE"} KEY-----\n` });
      new File(stack, "tunnel", { filename: "t", content: `cloudflared tunnel run --token eyJhIjoi${"Q".repeat(80)}` });
      new File(stack, "cf", { filename: "env", content: `CLOUDFLARE_API_TOKEN=${"a1B2_c3D4-".repeat(4)}\n` });
    });
    expect(problemLines(run)).toEqual([
      "SEC-001 test/output.leak (output.leak): value holds what looks like a DigitalOcean API token (value not shown)",
      "SEC-001 test/host (digitalocean_droplet.host): user_data holds what looks like a WireGuard private key (value not shown)",
      "SEC-001 test/key (local_file.key): content holds what looks like a PEM private key (value not shown)",
      "SEC-001 test/tunnel (local_file.tunnel): content holds what looks like a Cloudflare tunnel token (value not shown)",
      "SEC-001 test/cf (local_file.cf): content holds what looks like a Cloudflare API token (value not shown)",
    ]);
    expect(run.report).not.toContain("5e5e");
    expect(run.report).not.toContain("yAnz5TF");
    expect(run.report).not.toContain("QQQQ");
    expect(run.written).toBe(false);
  });

  it("fails a literal value in a credential attribute, whatever it looks like", () => {
    const run = synthWithPolicies((stack) => {
      new DigitaloceanProvider(stack, "literal", { alias: "literal", token: "plain-text-token", spacesSecretKey: "also-plain" });
    });
    expect(problemLines(run)).toEqual([
      "SEC-001 test/provider.digitalocean[1] (provider.digitalocean[1]): spaces_secret_key is a credential attribute holding a literal value (value not shown); it must reference a sensitive variable",
      "SEC-001 test/provider.digitalocean[1] (provider.digitalocean[1]): token is a credential attribute holding a literal value (value not shown); it must reference a sensitive variable",
    ]);
    expect(run.report).not.toContain("plain-text-token");
  });

  it("passes sensitive variable references, key generation on the host and hashes", () => {
    const run = synthWithPolicies((stack) => {
      const token = new TerraformVariable(stack, "do_token", { type: "string", sensitive: true });
      new TerraformOutput(stack, "token_ref", { value: token.stringValue, sensitive: true });
      new TerraformOutput(stack, "hash", { value: "9f".repeat(32) });
      droplet(stack, "host", { userData: userDataFixture("wireguard-generated-key.yaml") });
    });
    expect(run.report).toBeUndefined();
  });
});
