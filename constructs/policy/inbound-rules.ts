import * as ipaddr from "ipaddr.js";
import { cidrProblem, cidrsOverlap, parseCidr } from "../../config/cidr";
import { isOnTheHost, WEB_SCHEMES } from "../../config/tunnel-service";
import { hostsIn } from "./hosts";
import { parseFirewallPortRange, type PortRange } from "./port-ranges";
import { resourcesOfType, stringsIn } from "./synthesized-blocks";
import { tunnelIngressOf } from "./tunnel-ingress";
import type { SynthesizedBlock } from "./types";

/** Every address: what `ufw allow 22` and a public tunnel hostname are open to. */
export const WORLD: readonly string[] = ["0.0.0.0/0", "::/0"];

/** One inbound allow rule, from a cloud firewall, a host's UFW commands or a public tunnel hostname. */
export interface InboundRule {
  /** The firewall, host or tunnel configuration resource the rule belongs to. */
  readonly block: SynthesizedBlock;
  /** Where in that resource: `inbound_rule[2]`, or `user_data: ufw allow 5432/tcp`. */
  readonly origin: string;
  readonly protocol: "tcp" | "udp" | "icmp" | "any";
  readonly ports: readonly PortRange[];
  /** Source CIDRs (or unresolved references). Droplet, tag and load-balancer sources are inside by nature and left out. */
  readonly sources: readonly string[];
  /** Bound to a mesh interface (`ufw allow in on wg0`): only mesh peers can use it. */
  readonly onTrustedInterface: boolean;
  /** The filtering layer: a DigitalOcean cloud firewall, a host's UFW, or a Cloudflare tunnel's public hostname. */
  readonly layer: "cloud firewall" | "ufw" | "tunnel";
  /**
   * What receives the traffic, so that rules adding up to one audience are judged together:
   * the droplets a cloud firewall is attached to (ANY_DROPLET when an attachment cannot be
   * read), the host whose UFW holds the rule, the tunnel configuration.
   */
  readonly targets: readonly string[];
}

/** Cloud firewalls, UFW in every host's user data, and public tunnel hostnames that proxy HTTP(S) to the host without Access. */
export function inboundRulesOf(blocks: readonly SynthesizedBlock[]): InboundRule[] {
  const fromFirewalls = resourcesOfType(blocks, "digitalocean_firewall").flatMap((firewall) => {
    const targets = firewallTargets(firewall);
    return (Array.isArray(firewall.attributes.inbound_rule) ? (firewall.attributes.inbound_rule as Record<string, unknown>[]) : []).map(
      (rule, index): InboundRule => {
        const protocol = rule.protocol === "udp" || rule.protocol === "icmp" ? rule.protocol : "tcp";
        return {
          block: firewall,
          origin: `inbound_rule[${index}]`,
          protocol,
          ports: protocol === "icmp" ? [] : parseFirewallPortRange(rule.port_range),
          sources: stringsIn(rule.source_addresses).map(({ text }) => text),
          onTrustedInterface: false,
          layer: "cloud firewall",
          targets,
        };
      },
    );
  });
  const fromHosts = hostsIn(blocks).flatMap((host) =>
    host.ufw.flatMap((command): InboundRule[] =>
      command.kind !== "allow"
        ? []
        : [
            {
              block: host.block,
              origin: `${host.attribute}: \`${command.text}\``,
              protocol: command.protocol,
              ports: command.ports,
              sources: command.sources,
              onTrustedInterface: command.interface !== undefined && /^wg/.test(command.interface),
              layer: "ufw",
              targets: [`${host.block.stack}/${host.block.address}`],
            },
          ],
    ),
  );
  // Raw streams (SSH, TCP, RDP) and services off the host are refused outright by NET-004;
  // Access-protected hostnames only let named people in. The rest is open to everyone.
  const fromTunnels = tunnelIngressOf(blocks).flatMap((ingress): InboundRule[] => {
    const service = ingress.parsed;
    if (ingress.protectedByAccess || service?.port === undefined || !WEB_SCHEMES.has(service.scheme) || !isOnTheHost(service)) return [];
    return [
      {
        block: ingress.block,
        origin: `tunnel hostname ${ingress.hostname} -> ${ingress.service}`,
        protocol: "tcp",
        ports: [[service.port, service.port]],
        sources: WORLD,
        onTrustedInterface: false,
        layer: "tunnel",
        targets: [`${ingress.block.stack}/${ingress.block.address}`],
      },
    ];
  });
  return [...fromFirewalls, ...fromHosts, ...fromTunnels];
}

/** Target of a cloud firewall whose droplets cannot be read (tags, literal ids): it may protect any droplet. */
export const ANY_DROPLET = "any droplet";

/** Droplets a firewall is attached to (`${digitalocean_droplet.<name>.id}`), or ANY_DROPLET when that cannot be read. */
function firewallTargets(firewall: SynthesizedBlock): string[] {
  const references = stringsIn(firewall.attributes.droplet_ids).map(({ text }) => /^\$\{(digitalocean_droplet\.[\w-]+)\.id\}$/.exec(text)?.[1]);
  const droplets = references.flatMap((reference) => (reference === undefined ? [] : [`${firewall.stack}/${reference}`]));
  const unreadable = references.length === 0 || references.includes(undefined) || firewall.attributes.tags !== undefined;
  return [...new Set([...droplets, ...(unreadable ? [ANY_DROPLET] : [])])];
}

export type SourceKind = "world" | "trusted" | "outside" | "unverifiable";

/** Where a source address sits relative to the trusted networks (VPC, mesh). */
export function classifySource(source: string, trustedNetworks: readonly string[]): SourceKind {
  if (/^\$\{digitalocean_vpc\.[\w-]+\.ip_range\}$/.test(source)) return "trusted";
  const cidr = source.includes("/") ? source : hostCidr(source);
  if (cidr === undefined || cidrProblem(cidr) !== undefined) return "unverifiable";
  const block = parseCidr(cidr);
  if (block.prefix === 0) return "world";
  const inside = trustedNetworks.some((network) => {
    if (cidrProblem(network) !== undefined) return false;
    const trusted = parseCidr(network);
    return trusted.family === block.family && block.prefix >= trusted.prefix && cidrsOverlap(network, cidr);
  });
  return inside ? "trusted" : "outside";
}

function hostCidr(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  return `${parsed.toString()}/${parsed.kind() === "ipv4" ? 32 : 128}`;
}

/** VPC ranges written in the stacks, trusted in addition to the declared networks. */
export function vpcRangesOf(blocks: readonly SynthesizedBlock[]): string[] {
  return resourcesOfType(blocks, "digitalocean_vpc")
    .map((vpc) => vpc.attributes.ip_range)
    .filter((range): range is string => typeof range === "string" && !range.includes("${"));
}
