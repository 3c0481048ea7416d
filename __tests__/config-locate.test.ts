import fc from "fast-check";
import { ConfigError } from "../config/errors";
import { firstTooDeep, MAX_NESTING_DEPTH, NestingTooDeep, scanHcl } from "../config/hcl-scan";
import { parseConfigSource } from "../config/load";
import { EXAMPLE_SOURCE, withSetting } from "./helpers/synth";

/** The located `line:column` of the first problem the file is refused for. */
async function firstLocation(source: string): Promise<string> {
  const error = await parseConfigSource(source, "terraform.tfvars").catch((caught: unknown) => caught);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  const issue = error.issues[0];
  return `${issue?.key} @ ${issue?.line}:${issue?.column}`;
}

/** 1-based line and column of the n-th occurrence of `needle` in the source. */
function positionOf(source: string, needle: string, occurrence = 1): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = source.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`${needle} not in source`);
  const before = source.slice(0, index).split("\n");
  return `${before.length}:${(before[before.length - 1] ?? "").length + 1}`;
}

describe("errors are located at the line and column of the offending value", () => {
  it("a top-level value", async () => {
    const source = withSetting(EXAMPLE_SOURCE, "region", '"fra9"');
    expect(await firstLocation(source)).toBe(`region @ ${positionOf(source, '"fra9"')}`);
  });

  it("a list item (not a later line with a brace)", async () => {
    const source = withSetting(EXAMPLE_SOURCE, "allowed_ssh_ips", '["203.0.113.10/32", "198.51.100.1/28"]');
    expect(await firstLocation(source)).toBe(`allowed_ssh_ips[1] @ ${positionOf(source, '"198.51.100.1/28"')}`);
    expect(positionOf(source, '"198.51.100.1/28"')).toBe("29:39");
  });

  it("a value in a nested map", async () => {
    const source = EXAMPLE_SOURCE.replace('cidr      = "10.8.0.0/24"', 'cidr      = "10.8.0.0/33"');
    expect(await firstLocation(source)).toBe(`mesh.cidr @ ${positionOf(source, '"10.8.0.0/33"')}`);
  });

  it("a list item inside a nested map", async () => {
    const source = EXAMPLE_SOURCE.replace('{ port = 443, comment = "HTTPS (Traefik)" }', '{ port = 70000, comment = "HTTPS (Traefik)" }');
    expect(await firstLocation(source)).toBe(`hosts.core-prod.ufw_allow[1].port @ ${positionOf(source, "70000")}`);
  });

  it("a key written with quotes", async () => {
    const source = EXAMPLE_SOURCE.replace("  core-prod = {", '  "core-prod" = {').replace('public_ipv4          = "198.51.100.20"', 'public_ipv4          = "10.1.2.3"');
    expect(await firstLocation(source)).toBe(`hosts.core-prod.public_ipv4 @ ${positionOf(source, '"10.1.2.3"')}`);
  });

  it("an unknown key, at the key", async () => {
    const source = EXAMPLE_SOURCE.replace('    intrusion_prevention = "crowdsec"', '    intrusion_preventon = "crowdsec"');
    expect(await firstLocation(source)).toBe(`hosts.core-prod.intrusion_preventon @ ${positionOf(source, "intrusion_preventon")}`);
  });

  it("a value after comments, heredocs and strings holding brackets, quotes and comment markers", async () => {
    const prefix = [
      "# a comment with [ { and a quote \"",
      "/* a block comment",
      "   spanning lines { [ */",
      'ssh_key_name = "a \\" # [ { // still a string" // trailing',
      "droplet_size = <<-EOT",
      "  not } a [ value",
      "  EOT",
      "",
    ].join("\n");
    const source = `${prefix}${withSetting(withSetting(EXAMPLE_SOURCE, "ssh_key_name", undefined), "droplet_size", undefined).replace('region       = "fra1"', 'region       = "fra9"')}`;
    const error = (await parseConfigSource(source, "terraform.tfvars").catch((caught: unknown) => caught)) as ConfigError;
    const region = error.issues.find((issue) => issue.key === "region");
    expect(`${region?.line}:${region?.column}`).toBe(positionOf(source, '"fra9"'));
  });
});

describe("the source scanner", () => {
  it("records the position of every value of the example, and finds no duplicate", () => {
    const scanned = scanHcl(EXAMPLE_SOURCE);
    expect(scanned.complete).toBe(true);
    expect(scanned.duplicates).toEqual([]);
    expect(scanned.valueAt(["cloudflare", "zones", "example.org", "id"])).toEqual({ line: 100, column: 28 });
    expect(scanned.valueAt(["cloudflare", "tunnel", "ingress", 1, "service"])).toEqual({ line: 115, column: 45 });
    expect(scanned.keyAt(["hosts", "ai-lab"])).toEqual({ line: 68, column: 3 });
  });

  it("finds a repeated key at any depth, with both positions", () => {
    const source = ['a = { b = { c = 1', '  c = 2 } }', 'hosts = {', '  x = {}', '  "x" = {}', "}"].join("\n");
    expect(scanHcl(source).duplicates).toEqual([
      { path: ["a", "b", "c"], first: { line: 1, column: 13 }, second: { line: 2, column: 3 } },
      { path: ["hosts", "x"], first: { line: 4, column: 3 }, second: { line: 5, column: 3 } },
    ]);
  });

  it("does not mistake keys inside strings, comments or template sequences for keys", () => {
    const source = ['a = { b = "c = 1", /* c = 2 */ d = "${ { c = 3 } }" # c = 4', '  c = 5 }'].join("\n");
    expect(scanHcl(source).duplicates).toEqual([]);
  });

  it(`refuses nesting deeper than ${MAX_NESTING_DEPTH} at the opening that crosses it`, () => {
    const ok = `a = ${"[".repeat(MAX_NESTING_DEPTH)}${"]".repeat(MAX_NESTING_DEPTH)}`;
    expect(scanHcl(ok).complete).toBe(true);
    const deep = `a = ${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    expect(() => scanHcl(deep)).toThrow(NestingTooDeep);
    expect(firstTooDeep(`x = @\n${deep}`)).toEqual({ line: 2, column: 5 + MAX_NESTING_DEPTH });
  });

  it("never throws anything but its nesting limit, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        try {
          scanHcl(text);
        } catch (error) {
          if (!(error instanceof NestingTooDeep)) throw error;
        }
      }),
      { seed: 20261130, numRuns: 500 },
    );
  });
});
