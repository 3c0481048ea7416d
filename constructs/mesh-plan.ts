import * as ipaddr from "ipaddr.js";
import { cidrProblem, ipv4ToNumber, parseCidr } from "../config/cidr";
import { WIREGUARD_KEY_FORMAT } from "../cloud-init/wireguard";
import { meshWgQuickConfig, type MeshInterface, type MeshPeerSection } from "../cloud-init/wireguard-mesh";
import { HOST_NAME } from "./naming";
import type { FirewallSpec } from "./firewall-rules";
import { isUnresolved, PropsError } from "./validation";

/**
 * The WireGuard mesh as data: who is a member, at which address, and what each member sees.
 * Pure (no resources), so the main stack (the droplet's cloud firewall and user data) and the
 * hosts stack (rendered configs, peer sync) work from one plan.
 */

export interface MeshMemberInput {
  readonly name: string;
  /** Tunnel address, e.g. "10.8.0.1". */
  readonly address: string;
  /** Unknown until the host's first boot: such a member is nobody's peer yet. @default - pending */
  readonly publicKey?: string;
  /** Public IPv4 the others reach it at; may be a Terraform reference (the droplet's). */
  readonly endpointAddress: string;
}

export interface MeshPlanProps {
  /** e.g. "10.8.0.0/24" */
  readonly cidr: string;
  /** @default 51820 */
  readonly port?: number;
  /** @default 1420 */
  readonly mtu?: number;
  /** PersistentKeepalive seconds. @default 25 */
  readonly keepalive?: number;
  readonly members: readonly MeshMemberInput[];
}

export interface MeshPlan {
  readonly cidr: string;
  readonly port: number;
  readonly mtu: number;
  readonly keepalive: number;
  /** Sorted by name, in code-unit order. */
  readonly members: readonly MeshMemberInput[];
  /** Members whose public key is known: the ones that appear in peer lists and get synced. */
  readonly activeMembers: readonly MeshMemberInput[];
}

const WHERE = "WireguardMesh";

/** Validates the members and returns the plan; throws PropsError naming the member and field. */
export function planMesh(props: MeshPlanProps): MeshPlan {
  const fail = (prop: string, value: unknown, expected: string): never => {
    throw new PropsError(WHERE, prop, value, expected);
  };
  const problem = cidrProblem(props.cidr);
  if (problem !== undefined) fail("cidr", props.cidr, problem);
  const block = parseCidr(props.cidr);
  if (block.family !== "ipv4") fail("cidr", props.cidr, "expected an IPv4 range");
  const port = props.port ?? 51820;
  const mtu = props.mtu ?? 1420;
  const keepalive = props.keepalive ?? 25;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail("port", port, "expected a port from 1 to 65535");
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 1500) fail("mtu", mtu, "expected an MTU from 1280 to 1500");
  if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 65535) fail("keepalive", keepalive, "expected seconds from 0 to 65535");

  const names = new Set<string>();
  const addresses = new Map<string, string>();
  const keys = new Map<string, string>();
  const first = ipv4ToNumber(block.address.toString());
  const last = first + 2 ** (32 - block.prefix) - 1;
  for (const member of props.members) {
    const at = (field: string) => `members.${member.name}.${field}`;
    if (!HOST_NAME.test(member.name)) fail("members.name", member.name, "expected a lowercase host name");
    if (names.has(member.name)) fail(at("name"), member.name, "is listed twice");
    names.add(member.name);
    if (!ipaddr.IPv4.isValidFourPartDecimal(member.address)) fail(at("address"), member.address, "expected an IPv4 address such as 10.8.0.1");
    const position = ipv4ToNumber(member.address);
    if (position < first || position > last) fail(at("address"), member.address, `expected an address inside the mesh ${props.cidr}`);
    if (position === first || position === last) fail(at("address"), member.address, `is the network or broadcast address of ${props.cidr}`);
    const holder = addresses.get(member.address);
    if (holder !== undefined) fail(at("address"), member.address, `is already ${holder}'s address`);
    addresses.set(member.address, member.name);
    if (member.publicKey !== undefined) {
      if (!WIREGUARD_KEY_FORMAT.test(member.publicKey)) fail(at("publicKey"), member.publicKey, "expected a WireGuard public key (44 base64 characters)");
      const owner = keys.get(member.publicKey);
      if (owner !== undefined) fail(at("publicKey"), member.publicKey, `is already ${owner}'s key`);
      keys.set(member.publicKey, member.name);
    }
    if (!isUnresolved(member.endpointAddress) && !ipaddr.IPv4.isValidFourPartDecimal(member.endpointAddress)) {
      fail(at("endpointAddress"), member.endpointAddress, "expected the member's public IPv4 address");
    }
  }
  // Code-unit order, the order Terraform iterates a map's keys in (the hosts stack's peer sections).
  const members = [...props.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { cidr: props.cidr, port, mtu, keepalive, members, activeMembers: members.filter((member) => member.publicKey !== undefined) };
}

export function memberOf(plan: MeshPlan, name: string): MeshMemberInput {
  const member = plan.members.find((candidate) => candidate.name === name);
  if (member === undefined) throw new PropsError(WHERE, "member", name, `expected one of ${plan.members.map((m) => m.name).join(", ")}`);
  return member;
}

/** wg0's [Interface] of a member: its address with the mesh prefix. */
export function interfaceOf(plan: MeshPlan, name: string): MeshInterface {
  const prefix = plan.cidr.split("/")[1];
  return { address: `${memberOf(plan, name).address}/${prefix}`, listenPort: plan.port, mtu: plan.mtu };
}

/** How the others see an active member: its key, its /32, reached through its endpoint. */
export function peerSectionOf(plan: MeshPlan, member: MeshMemberInput): MeshPeerSection {
  return {
    name: member.name,
    publicKey: member.publicKey as string,
    allowedIp: `${member.address}/32`,
    endpoint: `${member.endpointAddress}:${plan.port}`,
    keepalive: plan.keepalive,
  };
}

/** The member's view: every other member with a known key. */
export function peersOf(plan: MeshPlan, name: string): MeshPeerSection[] {
  memberOf(plan, name);
  return plan.activeMembers.filter((member) => member.name !== name).map((member) => peerSectionOf(plan, member));
}

/**
 * The member's complete wg0.conf (no private key): the reference for what Terraform evaluates
 * from the hosts stack's local_file content, byte for byte.
 */
export function wgQuickConfigOf(plan: MeshPlan, name: string): string {
  return meshWgQuickConfig(interfaceOf(plan, name), peersOf(plan, name));
}

/**
 * The droplet's `-fw-mesh` DigitalOcean firewall: the WireGuard port from the other members'
 * public addresses only. Undefined while it has no peer (a firewall rule needs a source).
 */
export function meshFirewallSpec(plan: MeshPlan, name: string): FirewallSpec | undefined {
  const sources = peersOf(plan, name).map((peer) => `${peer.endpoint.slice(0, peer.endpoint.lastIndexOf(":"))}/32`);
  if (sources.length === 0) return undefined;
  return {
    suffix: "fw-mesh",
    inbound: [{ protocol: "udp", ports: String(plan.port), addresses: sources, purpose: "WireGuard from mesh peers only" }],
    outbound: [{ protocol: "udp", ports: String(plan.port), addresses: sources, purpose: "WireGuard to mesh peers" }],
  };
}
