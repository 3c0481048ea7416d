import * as ipaddr from "ipaddr.js";

/**
 * Address-space arithmetic for judging exposure by what is reachable, not by how it is spelled:
 * `0.0.0.0/0`, `0.0.0.0/1 + 128.0.0.0/1` and 256 `/8`s are the same audience. Ranges are exact
 * (bigint), merged before they are measured, and only public unicast space is counted: the
 * VPC, the mesh, RFC 1918 and every other block that is not globally reachable reach no one
 * on the internet.
 */

export type AddressFamily = "ipv4" | "ipv6";

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: AddressFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Record<AddressFamily, number> = { ipv4: 32, ipv6: 128 };

/**
 * Sources larger than this many public addresses (after the trusted and non-public networks
 * are taken out) count as "the world": more than a /8 of IPv4 (2^24 addresses, 1/224 of the
 * unicast space: already more than most countries' allocations), more than a /32 of IPv6 (the
 * whole allocation of one internet provider; an office or a home gets a /48 or /56).
 */
export const WORLD_THRESHOLD: Readonly<Record<AddressFamily, bigint>> = { ipv4: 1n << 24n, ipv6: 1n << 96n };
/** The threshold as users write it. */
export const WORLD_THRESHOLD_TEXT = "a /8 of IPv4 (16,777,216 addresses) and a /32 of IPv6";

/**
 * Address space that is not reachable from the internet (IANA special-purpose registries,
 * "globally reachable: false"), plus, for IPv6, everything outside global unicast 2000::/3.
 */
export const NON_PUBLIC_BLOCKS: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: "0.0.0.0/8", what: "this network" },
  { cidr: "10.0.0.0/8", what: "private (RFC 1918)" },
  { cidr: "100.64.0.0/10", what: "carrier-grade NAT" },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local" },
  { cidr: "172.16.0.0/12", what: "private (RFC 1918)" },
  { cidr: "192.0.0.0/24", what: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", what: "documentation (RFC 5737)" },
  { cidr: "192.168.0.0/16", what: "private (RFC 1918)" },
  { cidr: "198.18.0.0/15", what: "benchmarking" },
  { cidr: "198.51.100.0/24", what: "documentation (RFC 5737)" },
  { cidr: "203.0.113.0/24", what: "documentation (RFC 5737)" },
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "240.0.0.0/4", what: "reserved and broadcast" },
  { cidr: "::/3", what: "outside global unicast (loopback, unspecified, IPv4-mapped and NAT64 are counted as the IPv4 they embed)" },
  { cidr: "2001:2::/48", what: "benchmarking" },
  { cidr: "2001:db8::/32", what: "documentation (RFC 3849)" },
  { cidr: "3fff::/20", what: "documentation (RFC 9637)" },
  { cidr: "4000::/2", what: "outside global unicast" },
  { cidr: "8000::/1", what: "outside global unicast (ULA, link-local, multicast)" },
];

/** IPv6 blocks whose low 32 bits are an IPv4 address reached through them (IPv4-mapped, NAT64). */
const EMBEDDED_IPV4 = ["::ffff:0:0/96", "64:ff9b::/96"];

/**
 * The range a source names: an address or a CIDR block, IPv4 in four-part decimal without
 * leading zeros (the form every firewall reads the same way), IPv6 without a zone id. Host bits
 * are masked off as firewalls do. Undefined for anything else.
 */
export function rangeOf(source: string): AddressRange | undefined {
  const [address = "", prefixText, ...extra] = source.trim().split("/");
  if (extra.length > 0 || address.includes("%")) return undefined;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) parsed = ipaddr.IPv4.parse(address);
  else if (address.includes(":") && ipaddr.IPv6.isValid(address)) parsed = ipaddr.IPv6.parse(address);
  else return undefined;
  const family = parsed.kind();
  const bits = BITS[family];
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const value = parsed.toByteArray().reduce((total, byte) => (total << 8n) | BigInt(byte), 0n);
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n };
}

/** Like rangeOf, for blocks this module defines itself. */
function known(cidr: string): AddressRange {
  const range = rangeOf(cidr);
  if (range === undefined) throw new Error(`not a CIDR block: ${cidr}`);
  return range;
}

/** Sorted, non-overlapping, non-adjacent ranges covering exactly the same addresses. */
export function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => (a.family !== b.family ? (a.family === "ipv4" ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: AddressRange[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.family === range.family && range.first <= previous.last + 1n) {
      if (range.last > previous.last) merged[merged.length - 1] = { ...previous, last: range.last };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** The addresses of `ranges` that are in none of `removed`. */
export function subtractRanges(ranges: readonly AddressRange[], removed: readonly AddressRange[]): AddressRange[] {
  let remaining = mergeRanges(ranges);
  for (const cut of mergeRanges(removed)) {
    remaining = remaining.flatMap((range): AddressRange[] => {
      if (range.family !== cut.family || cut.last < range.first || cut.first > range.last) return [range];
      const pieces: AddressRange[] = [];
      if (cut.first > range.first) pieces.push({ ...range, last: cut.first - 1n });
      if (cut.last < range.last) pieces.push({ ...range, first: cut.last + 1n });
      return pieces;
    });
  }
  return remaining;
}

/** The addresses of `ranges` that are also in `within`. */
export function intersectRanges(ranges: readonly AddressRange[], within: readonly AddressRange[]): AddressRange[] {
  const result: AddressRange[] = [];
  for (const a of mergeRanges(ranges)) {
    for (const b of mergeRanges(within)) {
      if (a.family !== b.family) continue;
      const first = a.first > b.first ? a.first : b.first;
      const last = a.last < b.last ? a.last : b.last;
      if (first <= last) result.push({ family: a.family, first, last });
    }
  }
  return mergeRanges(result);
}

/** How many addresses of one family the ranges hold (overlaps counted once). */
export function addressCount(ranges: readonly AddressRange[], family: AddressFamily): bigint {
  return mergeRanges(ranges)
    .filter((range) => range.family === family)
    .reduce((total, range) => total + (range.last - range.first + 1n), 0n);
}

const NON_PUBLIC = mergeRanges(NON_PUBLIC_BLOCKS.map(({ cidr }) => known(cidr)));
const EMBEDDING = EMBEDDED_IPV4.map(known);

/** IPv4 ranges reached through IPv4-mapped or NAT64 IPv6 sources. */
function embeddedIpv4(ranges: readonly AddressRange[]): AddressRange[] {
  return EMBEDDING.flatMap((block) =>
    intersectRanges(ranges, [block]).map((part) => ({ family: "ipv4" as const, first: part.first - block.first, last: part.last - block.first })),
  );
}

/** What a set of sources exposes to the internet. */
export interface PublicExposure {
  /** Public addresses the sources reach, per family, after trusted and non-public space. */
  readonly count: Readonly<Record<AddressFamily, bigint>>;
  /** True when either family is over its WORLD_THRESHOLD. */
  readonly world: boolean;
  /** Sources that are not an address or block as rangeOf reads them: they cannot be measured. */
  readonly unreadable: readonly string[];
}

/**
 * Measures the union of `sources` against the internet: trusted networks (VPC, mesh) and
 * non-public space are taken out, IPv4 reached through IPv4-mapped and NAT64 IPv6 is counted
 * as IPv4, overlaps count once.
 */
export function publicExposure(sources: readonly string[], trustedNetworks: readonly string[] = []): PublicExposure {
  const unreadable = sources.filter((source) => rangeOf(source) === undefined);
  const ranges = sources.flatMap((source) => rangeOf(source) ?? []);
  const trusted = trustedNetworks.flatMap((network) => rangeOf(network) ?? []);
  const reached = mergeRanges([...ranges, ...embeddedIpv4(ranges)]);
  const exposed = subtractRanges(subtractRanges(reached, NON_PUBLIC), trusted);
  const count = { ipv4: addressCount(exposed, "ipv4"), ipv6: addressCount(exposed, "ipv6") };
  return { count, world: count.ipv4 > WORLD_THRESHOLD.ipv4 || count.ipv6 > WORLD_THRESHOLD.ipv6, unreadable };
}

/** True when the sources, together, reach more of the internet than WORLD_THRESHOLD allows. */
export function coversTheWorld(sources: readonly string[], trustedNetworks: readonly string[] = []): boolean {
  return publicExposure(sources, trustedNetworks).world;
}

/** "3,702,258,688 public IPv4 addresses and a /3 of public IPv6" style summary of an exposure, for reports. */
export function describeExposure(exposure: PublicExposure): string {
  const parts: string[] = [];
  const { ipv4, ipv6 } = exposure.count;
  if (ipv4 > 0n) {
    const prefix = prefixWorth(ipv4, "ipv4");
    parts.push(`${Number(ipv4).toLocaleString("en-US")} public IPv4 ${ipv4 === 1n ? "address" : "addresses"}${prefix.exact && ipv4 > 1n ? ` (a /${prefix.length})` : ""}`);
  }
  if (ipv6 > 0n) {
    const prefix = prefixWorth(ipv6, "ipv6");
    parts.push(`${prefix.exact ? "a" : "more than a"} /${prefix.length} of public IPv6`);
  }
  return parts.length === 0 ? "no public address" : parts.join(" and ");
}

/** The largest prefix length whose block holds at most `count` addresses, and whether it holds exactly that many. */
function prefixWorth(count: bigint, family: AddressFamily): { length: number; exact: boolean } {
  const bits = count.toString(2).length - 1;
  return { length: BITS[family] - bits, exact: count === 1n << BigInt(bits) };
}

/**
 * For config validation: why these sources, together, are the whole internet, or undefined
 * when they are not. Sources that cannot be measured are left to the caller's own checks.
 */
export function worldExposureProblem(sources: readonly string[], trustedNetworks: readonly string[] = []): string | undefined {
  const exposure = publicExposure(sources, trustedNetworks);
  if (!exposure.world) return undefined;
  return `together reach ${describeExposure(exposure)}, over the limit of ${WORLD_THRESHOLD_TEXT}: that is the whole internet`;
}
