import fc from "fast-check";
import {
  addressCount,
  coversTheWorld,
  describeExposure,
  mergeRanges,
  publicExposure,
  rangeOf,
  subtractRanges,
  worldExposureProblem,
  WORLD_THRESHOLD,
} from "../config/address-space";

const slash8s = Array.from({ length: 256 }, (_, index) => `${index}.0.0.0/8`);
const slash9s = Array.from({ length: 512 }, (_, index) => `${index >> 1}.${(index & 1) * 128}.0.0/9`);
const TRUSTED = ["10.0.0.0/16", "10.8.0.0/24"];

describe("rangeOf", () => {
  it("reads addresses and blocks of both families, masking host bits as firewalls do", () => {
    expect(rangeOf("203.0.113.7")).toEqual({ family: "ipv4", first: 0xcb007107n, last: 0xcb007107n });
    expect(rangeOf("10.1.2.3/8")).toEqual({ family: "ipv4", first: 0x0a000000n, last: 0x0affffffn });
    expect(rangeOf("::/0")).toEqual({ family: "ipv6", first: 0n, last: (1n << 128n) - 1n });
    expect(rangeOf("2001:db8::1/127")).toEqual({ family: "ipv6", first: 0x20010db8000000000000000000000000n, last: 0x20010db8000000000000000000000001n });
  });

  it.each(["010.0.0.1", "0x7f.0.0.1", "127.1", "10.0.0.0/33", "10.0.0.0/08", "fe80::1%eth0", "::/129", "$source", "${var.office}", "any", "10.0.0.0/8/8", ""])(
    "refuses %j, a spelling firewalls may read differently",
    (source) => expect(rangeOf(source)).toBeUndefined(),
  );
});

describe("range union and difference", () => {
  it("merges overlapping and adjacent ranges, and counts overlaps once", () => {
    const ranges = ["10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "10.0.2.0/24"].map((cidr) => rangeOf(cidr)!);
    expect(mergeRanges(ranges)).toEqual([
      { family: "ipv4", first: 0x0a000000n, last: 0x0a0000ffn },
      { family: "ipv4", first: 0x0a000200n, last: 0x0a0002ffn },
    ]);
    expect(addressCount(ranges, "ipv4")).toBe(512n);
  });

  it("subtracts a hole out of the middle of a range", () => {
    const left = subtractRanges([rangeOf("10.0.0.0/24")!], [rangeOf("10.0.0.16/28")!]);
    expect(left).toEqual([
      { family: "ipv4", first: 0x0a000000n, last: 0x0a00000fn },
      { family: "ipv4", first: 0x0a000020n, last: 0x0a0000ffn },
    ]);
  });

  it("agrees with a per-address count on random small blocks (property)", () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([octet, prefix]) => {
      const size = 2 ** (32 - prefix);
      return { cidr: `10.0.0.${Math.floor(octet / size) * size}/${prefix}`, first: Math.floor(octet / size) * size, size };
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), fc.array(block, { maxLength: 4 }), (kept, cut) => {
        const addresses = new Set<number>();
        kept.forEach(({ first, size }) => Array.from({ length: size }, (_, i) => addresses.add(first + i)));
        cut.forEach(({ first, size }) => Array.from({ length: size }, (_, i) => addresses.delete(first + i)));
        const ranges = subtractRanges(kept.map(({ cidr }) => rangeOf(cidr)!), cut.map(({ cidr }) => rangeOf(cidr)!));
        expect(addressCount(ranges, "ipv4")).toBe(BigInt(addresses.size));
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe("what counts as the world", () => {
  it.each([
    ["0.0.0.0/0", ["0.0.0.0/0"]],
    ["::/0", ["::/0"]],
    ["0.0.0.0/1 + 128.0.0.0/1", ["0.0.0.0/1", "128.0.0.0/1"]],
    ["256 x /8", slash8s],
    ["512 x /9", slash9s],
    ["three public /9s (more than a /8 worth)", ["20.0.0.0/9", "40.128.0.0/9", "41.0.0.0/9"]],
    ["a /7 of public space", ["20.0.0.0/7"]],
    ["::/1 + 8000::/1", ["::/1", "8000::/1"]],
    ["2000::/3", ["2000::/3"]],
    ["two provider /32s of IPv6", ["2a00::/32", "2a01::/32"]],
    ["a /31 of IPv6", ["2a02::/31"]],
    ["the IPv4 internet spelled as IPv4-mapped IPv6", ["::ffff:0:0/96"]],
    ["the IPv4 internet through NAT64", ["64:ff9b::/96"]],
    ["half the IPv4 internet mapped, half plain", ["::ffff:0.0.0.0/97", "128.0.0.0/1"]],
  ])("%s", (_, sources) => {
    expect(coversTheWorld(sources, TRUSTED)).toBe(true);
  });

  it.each([
    ["a few /24 admin ranges", ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24", "81.2.69.0/24"]],
    ["one public /8 exactly", ["20.0.0.0/8"]],
    ["256 public /16s (a /8 worth)", Array.from({ length: 256 }, (_, index) => `20.${index}.0.0/16`)],
    ["all private, loopback, link-local, CGNAT and multicast space", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "224.0.0.0/3"]],
    ["a provider's IPv6 /32", ["2a00::/32"]],
    ["ULA, link-local and multicast IPv6", ["fc00::/7", "fe80::/10", "ff00::/8"]],
    ["documentation IPv6 next to a /32", ["2001:db8::/32", "2a00::/32"]],
    ["an office /48 and a home /56", ["2a01:4f8:1::/48", "2a02:8100:ff00::/56"]],
    ["two public /9s (a /8 worth)", ["20.0.0.0/9", "40.128.0.0/9"]],
  ])("not %s", (_, sources) => {
    expect(coversTheWorld(sources, TRUSTED)).toBe(false);
  });

  it("takes the trusted networks out before measuring", () => {
    expect(publicExposure(["10.0.0.0/16", "203.0.113.10/32"], TRUSTED).count).toEqual({ ipv4: 0n, ipv6: 0n });
    expect(publicExposure(["81.2.69.0/24"], TRUSTED).count.ipv4).toBe(256n);
  });

  it("is just over the threshold at one more address than a /8", () => {
    expect(coversTheWorld(["20.0.0.0/8", "21.0.0.0/32"])).toBe(true);
    expect(WORLD_THRESHOLD.ipv4).toBe(16_777_216n);
  });

  it("lists sources it cannot measure", () => {
    expect(publicExposure(["$source", "203.0.113.10/32"]).unreadable).toEqual(["$source"]);
  });

  it("describes an exposure as the prefix it is worth", () => {
    expect(describeExposure(publicExposure(["0.0.0.0/1", "128.0.0.0/1", "::/0"]))).toBe(
      "3,702,258,688 public IPv4 addresses and more than a /4 of public IPv6",
    );
    expect(describeExposure(publicExposure(["2a00::/31", "81.2.69.7"]))).toBe("1 public IPv4 address and a /31 of public IPv6");
    expect(describeExposure(publicExposure(["10.0.0.0/8"]))).toBe("no public address");
    expect(describeExposure(publicExposure(["20.0.0.0/7"]))).toBe("33,554,432 public IPv4 addresses (a /7)");
  });
});

describe("worldExposureProblem, for config validation", () => {
  it("explains why blocks add up to the whole internet", () => {
    expect(worldExposureProblem(["0.0.0.0/1", "128.0.0.0/1"], TRUSTED)).toBe(
      "together reach 3,702,258,688 public IPv4 addresses, over the limit of a /8 of IPv4 (16,777,216 addresses) and a /32 of IPv6: that is the whole internet",
    );
  });

  it("says nothing about admin ranges", () => {
    expect(worldExposureProblem(["203.0.113.10/32", "198.51.100.0/28", "2a01:4f8:1::/48"], TRUSTED)).toBeUndefined();
  });
});
