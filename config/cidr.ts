import * as ipaddr from "ipaddr.js";

/** A parsed, canonical CIDR block (host bits zero). */
export interface Cidr {
  readonly family: "ipv4" | "ipv6";
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
  readonly text: string;
}

/** Why a string is not a canonical CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const analysed = analyse(text);
  return typeof analysed === "string" ? analysed : undefined;
}

/** Parses a CIDR block that cidrProblem accepted. */
export function parseCidr(text: string): Cidr {
  const analysed = analyse(text);
  if (typeof analysed === "string") throw new Error(`${text} ${analysed}`);
  return analysed;
}

/**
 * Each text is analysed once: the config checks and the policies compare every pair of
 * declared ranges and every firewall source with the trusted networks, so the same few
 * strings come back thousands of times with hundreds of hosts. Results are immutable.
 */
const analyses = new Map<string, Cidr | string>();

function analyse(text: string): Cidr | string {
  let analysed = analyses.get(text);
  if (analysed === undefined) {
    analysed = problemOf(text) ?? toCidr(text);
    analyses.set(text, analysed);
  }
  return analysed;
}

/** An address with a colon can only be IPv6, one without only IPv4: ipaddr.js would try IPv6 first for both. */
function familyOf(text: string): typeof ipaddr.IPv4 | typeof ipaddr.IPv6 {
  return text.includes(":") ? ipaddr.IPv6 : ipaddr.IPv4;
}

function problemOf(text: string): string | undefined {
  if (!text.includes("/")) {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return `is missing its prefix length; for this single address write ${text}/32`;
    if (ipaddr.IPv6.isValid(text) && !text.includes("%")) return `is missing its prefix length; for this single address write ${ipaddr.IPv6.parse(text).toString()}/128`;
    return "is missing its prefix length (write 203.0.113.7/32 for a single address)";
  }
  const family = familyOf(text);
  if (!family.isValidCIDR(text)) return "is not a valid IPv4 or IPv6 CIDR block";
  if (family === ipaddr.IPv4 && !ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) {
    return "is not in dotted-quad form (four decimal octets, no leading zeros)";
  }
  const network = family.networkAddressFromCIDR(text);
  const given = text.split("/")[0] ?? "";
  if (family.parse(given).toString() !== network.toString()) {
    return `has host bits set: the network is ${network.toString()}/${text.split("/")[1]}`;
  }
  return undefined;
}

function toCidr(text: string): Cidr {
  const [address, prefix] = familyOf(text).parseCIDR(text);
  return { family: address.kind(), address, prefix, text };
}

export function isIpv4Cidr(text: string): boolean {
  return cidrProblem(text) === undefined && parseCidr(text).family === "ipv4";
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const left = parseCidr(a);
  const right = parseCidr(b);
  if (left.family !== right.family) return false;
  return left.prefix <= right.prefix
    ? right.address.match(left.address, left.prefix)
    : left.address.match(right.address, right.prefix);
}

/** True when the block lies wholly inside RFC 1918 private space. */
export function isRfc1918(text: string): boolean {
  const block = parseCidr(text);
  if (block.family !== "ipv4") return false;
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some(
    (range) => block.prefix >= Number(range.split("/")[1]) && cidrsOverlap(range, text),
  );
}

/** An IPv4 address as a 32-bit number, for offsets within a block. */
export function ipv4ToNumber(address: string): number {
  return ipaddr.IPv4.parse(address).toByteArray().reduce((total, octet) => total * 256 + octet, 0);
}

/** True for 0.0.0.0/0 and ::/0. */
export function isWholeInternet(text: string): boolean {
  const block = parseCidr(text);
  return block.prefix === 0;
}
