import { readFileSync } from "node:fs";
import * as path from "node:path";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT, synthApp, withSetting } from "./helpers/synth";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The `key = value` lines of the README's first hcl block under "Your first environment". */
function readmeSettings(): [string, string][] {
  const section = README.split("## Your first environment\n")[1] ?? "";
  const block = /```hcl\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => /^([a-z_]+)\s*=\s*(.*?)\s*(?:#.*)?$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1] ?? "", match[2] ?? ""]);
}

/** The source without a top-level `name = { ... }` block (from its line to the next `}` in column 0). */
function withoutBlock(source: string, name: string): string {
  return source.replace(new RegExp(`^${name}\\s*=\\s*\\{[\\s\\S]*?^\\}\\n`, "m"), "");
}

describe("the README's first environment", () => {
  it("synthesizes when followed as written: the example with the README's keys, without hosts, mesh and cloudflare", async () => {
    const settings = readmeSettings();
    expect(settings.map(([key]) => key)).toEqual(["project_name", "environment", "ssh_public_key", "allowed_ssh_ips", "domain_name"]);
    let source = ["hosts", "mesh", "cloudflare"].reduce(withoutBlock, EXAMPLE_SOURCE);
    expect(source).not.toMatch(/^(hosts|mesh|cloudflare)\s*=/m);
    // The README's key is a placeholder ("AAAA..."): the user pastes a real one, as the example has.
    for (const [key, value] of settings) if (key !== "ssh_public_key") source = withSetting(source, key, value);
    const result = synthApp(await configFrom(source));
    expect(Object.keys(result.stacks).sort()).toEqual(["data-staging", "main-staging"]);
    expect(result.files.get("stacks/main-staging/README.md")).toContain("# Stack `main-staging`");
  });
});
