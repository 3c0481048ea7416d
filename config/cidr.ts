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
  if (!text.includes("/")) {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return `is missing its prefix length; for this single address write ${text}/32`;
    if (ipaddr.IPv6.isValid(text) && !text.includes("%")) return `is missing its prefix length; for this single address write ${ipaddr.IPv6.parse(text).toString()}/128`;
    return "is missing its prefix length (write 203.0.113.7/32 for a single address)";
  }
  if (!ipaddr.isValidCIDR(text)) return "is not a valid IPv4 or IPv6 CIDR block";
  const [address] = ipaddr.parseCIDR(text);
  if (address.kind() === "ipv4" && !ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) {
    return "is not in dotted-quad form (four decimal octets, no leading zeros)";
  }
  const network = networkOf(text);
  const given = text.split("/")[0] ?? "";
  if (ipaddr.parse(given).toString() !== network.toString()) {
    return `has host bits set: the network is ${network.toString()}/${text.split("/")[1]}`;
  }
  return undefined;
}

/** Parses a CIDR block that cidrProblem accepted. */
export function parseCidr(text: string): Cidr {
  const problem = cidrProblem(text);
  if (problem !== undefined) throw new Error(`${text} ${problem}`);
  const [address, prefix] = ipaddr.parseCIDR(text);
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

function networkOf(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const [address] = ipaddr.parseCIDR(text);
  return address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
}
