import * as ipaddr from "ipaddr.js";

/**
 * Public addresses of hosts (and so the A/AAAA records and SSH connections made to them) must
 * be addresses the internet routes to one machine: global unicast, written the one way every
 * tool reads identically. ipaddr.js accepts more spellings than that (leading zeros, octal- and
 * hex-looking parts, zone ids, embedded IPv4), so the spelling is checked before the range.
 */

/** The documentation ranges (RFC 5737, RFC 3849): allowed, since they route nowhere, but noted. */
const DOCUMENTATION_RANGES: readonly { readonly cidr: string; readonly rfc: string }[] = [
  { cidr: "192.0.2.0/24", rfc: "RFC 5737" },
  { cidr: "198.51.100.0/24", rfc: "RFC 5737" },
  { cidr: "203.0.113.0/24", rfc: "RFC 5737" },
  { cidr: "2001:db8::/32", rfc: "RFC 3849" },
];

/** What ipaddr.js's range() names mean, for the error message. */
const RANGE_MEANINGS: Readonly<Record<string, string>> = {
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private address (RFC 1918)",
  reserved: "a reserved address (not routed on the internet)",
  uniqueLocal: "a unique local address (fc00::/7)",
  ipv4Mapped: "an IPv4-mapped IPv6 address (::ffff:0:0/96); give the IPv4 address as public_ipv4 instead",
  rfc6145: "an IPv4-translated IPv6 address (RFC 6145)",
  rfc6052: "a NAT64 address embedding IPv4 (64:ff9b::/96, RFC 6052)",
  "6to4": "a 6to4 address embedding IPv4 (2002::/16)",
  teredo: "a Teredo tunnel address (2001::/32)",
  benchmarking: "a benchmarking address (not routed on the internet)",
  amt: "an AMT relay address",
  as112: "an AS112 DNS sink address",
  as112v6: "an AS112 DNS sink address",
  deprecated: "a deprecated address",
  deprecatedOrchid: "an ORCHID address (not routed)",
  orchid2: "an ORCHID address (not routed)",
  discard: "a discard-only address (100::/64)",
  droneRemoteIdProtocolEntityTags: "a drone remote ID tag (not routed)",
};

const DOTTED_QUAD = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

/** Why `text` is not a public unicast address of `family`, or undefined when it is one. */
export function publicAddressProblem(text: string, family: "ipv4" | "ipv6"): string | undefined {
  const spelling = family === "ipv4" ? ipv4SpellingProblem(text) : ipv6SpellingProblem(text);
  if (spelling !== undefined) return spelling;
  const address = family === "ipv4" ? ipaddr.IPv4.parse(text) : ipaddr.IPv6.parse(text);
  if (documentationRange(address) !== undefined) return undefined;
  if (address.kind() === "ipv6" && !address.match(ipaddr.parseCIDR("2000::/3"))) {
    const range = address.range();
    const meaning = RANGE_MEANINGS[range];
    return meaning === undefined ? "is not a global unicast address; a public IPv6 address lies in 2000::/3" : `is ${meaning}`;
  }
  const range = address.range();
  if (range !== "unicast") return `is ${RANGE_MEANINGS[range] ?? `in the ${range} range`}; expected the host's public ${family === "ipv4" ? "IPv4" : "IPv6"} address`;
  return undefined;
}

/** "RFC 5737" or "RFC 3849" when a valid address lies in a documentation range. */
export function documentationRfc(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  return documentationRange(ipaddr.parse(text))?.rfc;
}

/** Parsed once: every host address of the config is checked against them. */
let parsedDocumentationRanges: { range: (typeof DOCUMENTATION_RANGES)[number]; network: ipaddr.IPv4 | ipaddr.IPv6; prefix: number }[] | undefined;

function documentationRange(address: ipaddr.IPv4 | ipaddr.IPv6): (typeof DOCUMENTATION_RANGES)[number] | undefined {
  parsedDocumentationRanges ??= DOCUMENTATION_RANGES.map((range) => {
    const [network, prefix] = ipaddr.parseCIDR(range.cidr);
    return { range, network, prefix };
  });
  return parsedDocumentationRanges.find(({ network, prefix }) => network.kind() === address.kind() && address.match(network, prefix))?.range;
}

function ipv4SpellingProblem(text: string): string | undefined {
  if (DOTTED_QUAD.test(text)) return undefined;
  if (text.includes("/")) return "expected one IPv4 address without a prefix, e.g. 198.51.100.20";
  if (ipaddr.IPv4.isValid(text)) {
    return "is not written as four decimal numbers without leading zeros (e.g. 198.51.100.20); other spellings (octal, hex, short forms) mean different addresses to different tools";
  }
  return "expected one IPv4 address, e.g. 198.51.100.20";
}

function ipv6SpellingProblem(text: string): string | undefined {
  if (text.includes("/")) return "expected one IPv6 address without a prefix, e.g. 2001:db8::20";
  if (text.includes("%")) return "has a zone id (%...): a zone names a local interface, a public address has none";
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !ipaddr.IPv6.isValid(text)) return "expected one IPv6 address, e.g. 2001:db8::20";
  if (text.includes(".")) return "embeds an IPv4 address; give the IPv4 address as public_ipv4 and the IPv6 address in hexadecimal form";
  const canonical = ipaddr.IPv6.parse(text).toString();
  if (canonical !== text) return `is not in canonical form (RFC 5952); write it as ${canonical}`;
  return undefined;
}
