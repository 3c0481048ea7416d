import { cidrProblem, cidrsOverlap, parseCidr } from "../config/cidr";

describe("CIDR blocks", () => {
  const cases: [string, string | undefined][] = [
    ["10.8.0.0/24", undefined],
    ["0.0.0.0/0", undefined],
    ["2001:db8::/32", undefined],
    ["::/0", undefined],
    ["::ffff:10.0.0.0/104", undefined],
    ["10.8.0.1/24", "has host bits set: the network is 10.8.0.0/24"],
    ["2001:db8::1/32", "has host bits set: the network is 2001:db8::/32"],
    ["10.8.0/24", "is not in dotted-quad form (four decimal octets, no leading zeros)"],
    ["10.8.0.0.0/24", "is not a valid IPv4 or IPv6 CIDR block"],
    ["10.8.0.0/33", "is not a valid IPv4 or IPv6 CIDR block"],
    ["2001:db8::/129", "is not a valid IPv4 or IPv6 CIDR block"],
    ["010.8.0.0/24", "is not in dotted-quad form (four decimal octets, no leading zeros)"],
    ["10.8.0.7", "is missing its prefix length; for this single address write 10.8.0.7/32"],
    ["2001:db8:0::7", "is missing its prefix length; for this single address write 2001:db8::7/128"],
    ["${var.x}", "is missing its prefix length (write 203.0.113.7/32 for a single address)"],
  ];

  it.each(cases)("%s", (text, problem) => {
    // Asked twice: the second answer comes from the cache and must be the same.
    expect(cidrProblem(text)).toBe(problem);
    expect(cidrProblem(text)).toBe(problem);
    if (problem === undefined) expect(parseCidr(text)).toMatchObject({ text, family: text.includes(":") ? "ipv6" : "ipv4" });
    else expect(() => parseCidr(text)).toThrow(`${text} ${problem}`);
  });

  it("overlap within a family only", () => {
    expect(cidrsOverlap("10.0.0.0/8", "10.8.0.0/24")).toBe(true);
    expect(cidrsOverlap("10.8.0.0/24", "10.9.0.0/24")).toBe(false);
    expect(cidrsOverlap("0.0.0.0/0", "::/0")).toBe(false);
  });
});
