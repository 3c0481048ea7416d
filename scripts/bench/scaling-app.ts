import { App, Fn, TerraformLocal, TerraformStack, Token } from "cdktf";
import { Firewall } from "@cdktf/provider-digitalocean/lib/firewall";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import type { Construct } from "constructs";
import type { Config } from "../../config/config";
import { dropletUserData } from "../../cloud-init/host-user-data";
import { Dns } from "../../constructs/dns";
import { Droplet } from "../../constructs/droplet";
import { Firewalls } from "../../constructs/firewalls";
import type { FirewallSpec } from "../../constructs/firewall-rules";
import { digitalOceanTags, namePrefix } from "../../constructs/naming";
import { Networking } from "../../constructs/networking";
import { Project } from "../../constructs/project";
import { PROJECT_ROOT_CONTEXT, useRelativeLocalBackend } from "../../stacks/backend";
import { addDigitalOceanProvider } from "../../stacks/digitalocean-provider";

/**
 * One host of the synthetic scaling stack (a droplet per host), which measures how the Terraform
 * side alone grows with the way the mesh is written; the real app's scaling is measured by
 * feeding it generated OVH servers (app-hosts.ts).
 */
export interface BenchHost {
  readonly name: string;
  /** Address on the WireGuard mesh. */
  readonly meshAddress: string;
  /** A WireGuard public key (never a private one: those stay on their host). */
  readonly publicKey: string;
}

export const WIREGUARD_PORT = "51820";

/** `count` hosts with distinct, deterministic names, mesh addresses and public keys. */
export function generatedHosts(count: number): BenchHost[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `host-${String(index + 1).padStart(3, "0")}`,
    meshAddress: `10.100.${Math.floor(index / 250)}.${(index % 250) + 1}`,
    publicKey: Buffer.alloc(32, index + 1).toString("base64"),
  }));
}

/**
 * How the WireGuard mesh is written into Terraform:
 * - `per-host`: every host carries its own N-1 peers inline (a mesh firewall per host open to
 *   every other droplet, a peer list in its null_resource triggers): N² references to synthesize.
 * - `shared`: one mesh firewall for all droplets and one Terraform local holding the peer set,
 *   which every host's trigger references by digest: N references; the N² work (each host's
 *   WireGuard config lists N-1 peers) happens on the hosts at apply time, not in synth.
 */
export type MeshStyle = "per-host" | "shared";

/**
 * A stack shaped like the product with `hosts.length` hosts: per host a droplet (with its
 * cloud-config and project association), the three standard firewalls, A/AAAA records and a
 * null_resource whose triggers are the peer set (how DESIGN.md pushes peers without replacing
 * droplets), plus the WireGuard mesh firewall(s) in the given style.
 */
export function buildScalingApp(config: Config, hosts: readonly BenchHost[], meshStyle: MeshStyle, outdir: string, projectRoot: string): App {
  const app = new App({ outdir, context: { [PROJECT_ROOT_CONTEXT]: projectRoot } });
  new ScalingStack(app, `scale-${hosts.length}`, { config, hosts, meshStyle });
  return app;
}

interface ScalingStackProps {
  readonly config: Config;
  readonly hosts: readonly BenchHost[];
  readonly meshStyle: MeshStyle;
}

class ScalingStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ScalingStackProps) {
    super(scope, id);
    const { config, hosts } = props;
    const prefix = namePrefix(config.projectName, config.environment);
    useRelativeLocalBackend(this);
    addDigitalOceanProvider(this);
    new NullProvider(this, "null");

    const networking = new Networking(this, "networking", { namePrefix: prefix, region: config.region, ipRange: config.vpcCidr });
    const project = new Project(this, "project", { name: prefix, environment: config.environment });
    const userData = dropletUserData(config);
    const tags = digitalOceanTags(config.projectName, config.environment, config.commonTags);

    const droplets = hosts.map(
      (host) =>
        new Droplet(this, host.name, {
          name: `${prefix}-${host.name}`,
          region: config.region,
          size: config.dropletSize,
          image: config.dropletImage,
          vpcUuid: networking.vpc.id,
          sshKey: { kind: "existing", name: config.sshKeyName },
          userData,
          ipv6: config.enableIpv6,
          tags,
          projectId: project.projectId,
        }).droplet,
    );

    // One reference token per droplet, reused by every peer: each `droplet.ipv4Address` read
    // creates a new token (and captures a stack trace), which would make the mesh N² tokens.
    const endpoints = droplets.map((droplet) => droplet.ipv4Address);
    const peerEntry = (host: BenchHost, index: number): string =>
      `${host.name} ${host.publicKey} ${endpoints[index] ?? ""}:${WIREGUARD_PORT} ${host.meshAddress}/32`;
    const shared = props.meshStyle === "shared";
    let sharedPeerSetDigest = "";
    if (shared) {
      const addresses = endpoints.map((endpoint) => `${endpoint}/32`);
      const spec = meshFirewall(addresses);
      new Firewall(this, "mesh-firewall", {
        name: `${prefix}-${spec.suffix}`,
        dropletIds: droplets.map((droplet) => Token.asNumber(droplet.id)),
        inboundRule: spec.inbound.map((rule) => ({ protocol: rule.protocol, portRange: rule.ports, sourceAddresses: [...rule.addresses] })),
        outboundRule: spec.outbound.map((rule) => ({ protocol: rule.protocol, portRange: rule.ports, destinationAddresses: [...rule.addresses] })),
      });
      const peerSet = new TerraformLocal(this, "mesh_peers", hosts.map(peerEntry));
      sharedPeerSetDigest = Fn.sha256(Fn.jsonencode(peerSet.expression));
    }
    hosts.forEach((host, index) => {
      const droplet = droplets[index];
      if (droplet === undefined) return;
      const peerAddresses = endpoints.filter((_, other) => other !== index).map((endpoint) => `${endpoint}/32`);
      new Firewalls(this, `${host.name}-firewalls`, {
        namePrefix: `${prefix}-${host.name}`,
        dropletIds: [droplet.id],
        vpcCidr: config.vpcCidr,
        allowedSshIps: config.allowedSshIps,
        ...(!shared && peerAddresses.length > 0 ? { additionalSpecs: [meshFirewall(peerAddresses)] } : {}),
      });
      new Dns(this, `${host.name}-dns`, {
        domainName: config.domainName ?? "example.com",
        manageDomain: false,
        recordNames: [host.name],
        ipv4Address: droplet.ipv4Address,
        ...(config.enableIpv6 ? { ipv6Address: droplet.ipv6Address } : {}),
      });
      new NullResource(this, `${host.name}-mesh-peers`, {
        triggers: {
          peers: shared ? sharedPeerSetDigest : hosts.flatMap((other, otherIndex) => (otherIndex === index ? [] : [peerEntry(other, otherIndex)])).join("\n"),
        },
      });
    });
  }
}

/** WireGuard between public addresses: the cloud firewall sees the tunnel's outer packets. */
function meshFirewall(peerAddresses: readonly string[]): FirewallSpec {
  return {
    suffix: "fw-mesh",
    inbound: [{ protocol: "udp", ports: WIREGUARD_PORT, addresses: peerAddresses, purpose: "WireGuard from every peer" }],
    outbound: [{ protocol: "udp", ports: WIREGUARD_PORT, addresses: peerAddresses, purpose: "WireGuard to every peer" }],
  };
}
