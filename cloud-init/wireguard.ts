import * as ipaddr from "ipaddr.js";
import { cidrProblem } from "../config/cidr";
import type { CloudConfigPart } from "./cloud-config";
import { CloudInitInputError } from "./errors";
import type { UfwRule } from "./ufw";

export interface WireguardPeer {
  /** Host name, for comments and errors. */
  readonly name: string;
  /** The peer's public key (base64, 44 characters). Private keys never appear in config. */
  readonly publicKey: string;
  /** Addresses routed to this peer through the tunnel, e.g. ["10.8.0.2/32"]. */
  readonly allowedIps: readonly string[];
  /** Where to reach the peer: "203.0.113.10:51820" or "[2001:db8::1]:51820". @default - the peer dials us */
  readonly endpoint?: string;
  /**
   * Where the peer's packets come from, for the UFW rule that opens the WireGuard port.
   * @default - the endpoint's address (required when there is no endpoint)
   */
  readonly sourceCidrs?: readonly string[];
  /** Seconds. @default 25 */
  readonly persistentKeepalive?: number;
}

export interface WireguardOptions {
  /** This host's tunnel address with the mesh prefix, e.g. "10.8.0.1/24". */
  readonly address: string;
  /** @default 51820 */
  readonly listenPort?: number;
  /** @default 1420 */
  readonly mtu?: number;
  readonly peers: readonly WireguardPeer[];
}

export const WIREGUARD_DIR = "/etc/wireguard";
export const WIREGUARD_CONFIG = `${WIREGUARD_DIR}/wg0.conf`;
export const WIREGUARD_PRIVATE_KEY = `${WIREGUARD_DIR}/wg0.key`;
/** World-readable copy of the host's public key, for ops to collect after first boot. */
export const WIREGUARD_PUBLIC_KEY = "/var/lib/wireguard/wg0.pub";
export const WIREGUARD_KEY_SCRIPT = "/usr/local/sbin/wireguard-first-boot-key";

/** A WireGuard key as `wg genkey` / `wg pubkey` print it: 32 bytes of base64. */
export const WIREGUARD_KEY_FORMAT = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const PEER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Generates wg0's private key on the host, once: umask 077 before the key exists, mode 0600,
 * never printed. Only the public key is written out (and shown on the console).
 */
export const WIREGUARD_KEY_SCRIPT_CONTENT = `#!/bin/sh
# Generates this host's WireGuard private key once, on the host; it never leaves it.
set -eu
umask 077
mkdir -p ${WIREGUARD_DIR}
if [ ! -s ${WIREGUARD_PRIVATE_KEY} ]; then
  wg genkey >${WIREGUARD_PRIVATE_KEY}.new
  mv ${WIREGUARD_PRIVATE_KEY}.new ${WIREGUARD_PRIVATE_KEY}
fi
chmod 0600 ${WIREGUARD_PRIVATE_KEY}
umask 022
mkdir -p ${WIREGUARD_PUBLIC_KEY.replace(/\/[^/]+$/, "")}
wg pubkey <${WIREGUARD_PRIVATE_KEY} >${WIREGUARD_PUBLIC_KEY}
chmod 0644 ${WIREGUARD_PUBLIC_KEY}
echo "wg0 public key: $(cat ${WIREGUARD_PUBLIC_KEY})"
`;

function fail(field: string, value: unknown, expected: string): never {
  throw new CloudInitInputError("wireguardPart", field, value, expected);
}

/** The endpoint's address as a /32 or /128, or undefined when the endpoint is a DNS name. */
function endpointCidr(endpoint: string): string | undefined {
  const host = endpoint.startsWith("[") ? endpoint.slice(1, endpoint.indexOf("]")) : endpoint.slice(0, endpoint.lastIndexOf(":"));
  if (!ipaddr.isValid(host)) return undefined;
  const address = ipaddr.parse(host);
  return `${address.toString()}/${address.kind() === "ipv4" ? 32 : 128}`;
}

export function validateWireguard(options: WireguardOptions): void {
  if (!ipaddr.isValidCIDR(options.address)) fail("address", options.address, 'expected this host\'s tunnel address with the mesh prefix, e.g. "10.8.0.1/24"');
  const [address, prefix] = ipaddr.parseCIDR(options.address);
  if (prefix < (address.kind() === "ipv4" ? 32 : 128) && cidrProblem(options.address) === undefined) {
    fail("address", options.address, "is the mesh network itself; expected this host's address in it, e.g. 10.8.0.1/24");
  }
  const listenPort = options.listenPort ?? 51820;
  if (!Number.isInteger(listenPort) || listenPort < 1 || listenPort > 65535) fail("listenPort", listenPort, "expected a port from 1 to 65535");
  const mtu = options.mtu ?? 1420;
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 1500) fail("mtu", mtu, "expected an MTU from 1280 to 1500");
  if (options.peers.length === 0) fail("peers", options.peers, "expected at least one peer");
  const seenKeys = new Set<string>();
  options.peers.forEach((peer, index) => {
    const field = (name: string) => `peers[${index}].${name}`;
    if (!PEER_NAME.test(peer.name)) fail(field("name"), peer.name, "expected a lowercase host name");
    if (!WIREGUARD_KEY_FORMAT.test(peer.publicKey)) fail(field("publicKey"), peer.publicKey, "expected a WireGuard public key (44 base64 characters, as printed by wg pubkey)");
    if (seenKeys.has(peer.publicKey)) fail(field("publicKey"), peer.publicKey, "is used by another peer");
    seenKeys.add(peer.publicKey);
    if (peer.allowedIps.length === 0) fail(field("allowedIps"), peer.allowedIps, "expected at least one CIDR block");
    for (const block of peer.allowedIps) {
      const problem = cidrProblem(block);
      if (problem !== undefined) fail(field("allowedIps"), block, problem);
    }
    if (peer.endpoint !== undefined) {
      const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(peer.endpoint);
      const port = Number(match?.[2]);
      if (match === null || port < 1 || port > 65535) fail(field("endpoint"), peer.endpoint, 'expected "host:port" or "[ipv6]:port"');
    }
    for (const block of peer.sourceCidrs ?? []) {
      const problem = cidrProblem(block);
      if (problem !== undefined) fail(field("sourceCidrs"), block, problem);
    }
    if (peerSources(peer).length === 0) {
      fail(field("sourceCidrs"), peer.sourceCidrs ?? [], "expected the addresses the peer connects from (its endpoint is not an IP address), so UFW opens the WireGuard port to it only");
    }
    const keepalive = peer.persistentKeepalive ?? 25;
    if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 65535) fail(field("persistentKeepalive"), keepalive, "expected seconds from 0 to 65535");
  });
}

function peerSources(peer: WireguardPeer): string[] {
  if (peer.sourceCidrs !== undefined && peer.sourceCidrs.length > 0) return [...peer.sourceCidrs];
  const fromEndpoint = peer.endpoint === undefined ? undefined : endpointCidr(peer.endpoint);
  return fromEndpoint === undefined ? [] : [fromEndpoint];
}

/**
 * wg0.conf in wg-quick format. It holds no private key: wg-quick loads the key the host
 * generated through PostUp, so the file (and the user data that carries it) is not secret.
 */
export function wireguardConfig(options: WireguardOptions): string {
  validateWireguard(options);
  const lines = [
    "[Interface]",
    `Address = ${options.address}`,
    `ListenPort = ${options.listenPort ?? 51820}`,
    `MTU = ${options.mtu ?? 1420}`,
    `PostUp = wg set %i private-key ${WIREGUARD_PRIVATE_KEY}`,
  ];
  for (const peer of options.peers) {
    lines.push(
      "",
      "[Peer]",
      `# ${peer.name}`,
      `PublicKey = ${peer.publicKey}`,
      `AllowedIPs = ${peer.allowedIps.join(", ")}`,
      ...(peer.endpoint === undefined ? [] : [`Endpoint = ${peer.endpoint}`]),
      `PersistentKeepalive = ${peer.persistentKeepalive ?? 25}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** UFW rules opening the WireGuard port to the peers only. */
export function wireguardUfwRules(options: WireguardOptions): UfwRule[] {
  validateWireguard(options);
  return options.peers.map((peer) => ({
    protocol: "udp",
    port: options.listenPort ?? 51820,
    from: peerSources(peer),
    comment: `WireGuard from ${peer.name}`,
  }));
}

/**
 * wg0 through write_files + wg-quick@wg0 (cloud-init's own `wireguard:` module is Ubuntu-only
 * and ignored on Debian). The key script runs before wg-quick, in the final stage.
 */
export function wireguardPart(options: WireguardOptions): CloudConfigPart {
  return {
    packages: ["wireguard-tools"],
    write_files: [
      { path: WIREGUARD_CONFIG, permissions: "0600", content: wireguardConfig(options) },
      { path: WIREGUARD_KEY_SCRIPT, permissions: "0755", content: WIREGUARD_KEY_SCRIPT_CONTENT },
    ],
    runcmd: [WIREGUARD_KEY_SCRIPT, "systemctl enable --now wg-quick@wg0"],
  };
}
