import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { copyProject, runApp } from "./helpers/project-copy";
import { EXAMPLE_SOURCE, REPO_ROOT, withSetting } from "./helpers/synth";

const USAGE_LINES =
  "usage: npm run synth -- [--config <file>] [--hcl] [--quiet] [--allow-replace <address>]... [--forget <stack>]...\n" +
  "(npm run synth -- --help lists every flag and environment variable)\n";

describe("the app's command line", () => {
  const dir = copyProject();
  writeFileSync(path.join(dir, "staging.tfvars"), withSetting(EXAMPLE_SOURCE, "environment", '"staging"'));

  const refused = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
    const result = runApp(dir, args, env);
    expect({ status: result.status, stdout: result.stdout, written: existsSync(path.join(dir, "cdktf.out")) }).toEqual({ status: 1, stdout: "", written: false });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return result.stderr;
  };

  it("refuses a misspelled flag with a suggestion and the usage, writing nothing", () => {
    expect(refused(["--confg", "staging.tfvars"])).toBe(`error: unknown option --confg (did you mean --config?)\n${USAGE_LINES}nothing was written.\n`);
    expect(refused(["--hlc"])).toContain("error: unknown option --hlc (did you mean --hcl?)\n");
    expect(refused(["--verbose-everything"])).toContain("error: unknown option --verbose-everything\n");
  });

  it("refuses a flag without its value, a value given to a switch and a stray argument", () => {
    expect(refused(["--config"])).toBe(`error: --config needs a value: --config <file> or --config=<file>\n${USAGE_LINES}nothing was written.\n`);
    expect(refused(["--config", "--quiet"])).toContain("error: --config needs a value");
    expect(refused(["--hcl=yes"])).toContain("error: option '--hcl' does not take an argument\n");
    expect(refused(["staging.tfvars"])).toContain('error: unexpected argument "staging.tfvars": the app takes only flags (a config file is --config staging.tfvars)\n');
    expect(refused(["--config="])).toContain("error: --config needs a file name\n");
  });

  it("refuses flags npm kept for itself (npm run synth --config=x, without --)", () => {
    expect(refused([], { npm_lifecycle_event: "synth", npm_config_config: "staging.tfvars" })).toContain(
      "error: npm kept --config for itself: put -- between npm's arguments and the app's (npm run synth -- --config ...)\n",
    );
  });

  it("takes --config FILE and --config=FILE, and the flags other checks read", () => {
    const spaced = runApp(dir, ["--config", "staging.tfvars", "--quiet"]);
    expect({ status: spaced.status, stdout: spaced.stdout, stderr: spaced.stderr }).toEqual({
      status: 0,
      stdout: "synthesized main-staging, data-staging, hosts-staging, edge-staging from staging.tfvars into cdktf.out\n",
      stderr: "",
    });
    const joined = runApp(dir, ["--config=staging.tfvars", "--quiet", "--allow-replace", "digitalocean_droplet.app", "--allow-replace=digitalocean_vpc.main", "--forget", "edge-staging"]);
    expect({ status: joined.status, stdout: joined.stdout }).toEqual({ status: 0, stdout: spaced.stdout });
  });

  it("says on the first line that it synthesizes the shipped example when no terraform.tfvars exists", () => {
    const fresh = copyProject();
    const result = runApp(fresh, ["--quiet"]);
    expect(result.stdout.split("\n")[0]).toBe(
      "note: no terraform.tfvars here, so this synthesizes the shipped example terraform.tfvars.example (copy it to terraform.tfvars and edit it)",
    );
    writeFileSync(path.join(fresh, "terraform.tfvars"), EXAMPLE_SOURCE);
    expect(runApp(fresh, ["--quiet"]).stdout).not.toContain("note: no terraform.tfvars");
  });

  it("lists every flag, every environment variable the app reads and the exit codes in --help", () => {
    const fresh = copyProject();
    const result = runApp(fresh, ["--help"]);
    expect({ status: result.status, stderr: result.stderr, written: existsSync(path.join(fresh, "cdktf.out")) }).toEqual({ status: 0, stderr: "", written: false });
    for (const flag of ["--config <file>", "--hcl", "--quiet", "--allow-replace <address>", "--forget <stack>", "-h, --help"]) expect(result.stdout).toContain(flag);
    const source = readFileSync(path.join(REPO_ROOT, "main.ts"), "utf8") + readFileSync(path.join(REPO_ROOT, "config", "load.ts"), "utf8");
    const read = [...source.matchAll(/process\.env\.([A-Z_]+)/g)].map((match) => match[1] ?? "");
    for (const name of [...read, "INFRA_CONFIG", "CDKTF_OUTDIR", "SYNTH_HCL_OUTPUT", "CHECKPOINT_DISABLE"]) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(result.stdout).toContain("  0  done");
    expect(result.stdout).toContain("  1  refused");
    expect(result.stdout).toContain("  2  internal error");
    expect(runApp(dir, ["-h"]).stdout).toBe(result.stdout);
  });

  it("publishes into an output directory that is a mount point of its own, where a rename cannot reach (EXDEV)", () => {
    const fresh = copyProject();
    const plain = runApp(fresh, ["--quiet"], { CDKTF_OUTDIR: "plain" });
    const mounted = runApp(fresh, ["--quiet"], { CDKTF_OUTDIR: "mounted", NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "cross-device-rename.js")}` });
    expect([plain.status, mounted.status]).toEqual([0, 0]);
    const files = (dir: string): Record<string, string> => Object.fromEntries(listFiles(path.join(fresh, dir)).map((file) => [file, readFileSync(path.join(fresh, dir, file), "utf8")]));
    expect(Object.keys(files("mounted")).length).toBeGreaterThan(10);
    expect(files("mounted")).toEqual(files("plain"));
    expect(existsSync(path.join(fresh, ".mounted.staging"))).toBe(false);
  });

  it("refuses an output directory that is a file with exit 1, and reports an error that is not the user's with exit 2", () => {
    const fresh = copyProject();
    writeFileSync(path.join(fresh, "out"), "a file\n");
    const file = runApp(fresh, ["--quiet"], { CDKTF_OUTDIR: "out" });
    expect({ status: file.status, stderr: file.stderr }).toEqual({
      status: 1,
      stderr: "error: the output directory out is a file; set CDKTF_OUTDIR to a directory, such as cdktf.out\nnothing was written.\n",
    });
    const planted = runApp(fresh, ["--quiet"], { NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "fail-publish.js")}` });
    expect(planted.status).toBe(2);
    expect(planted.stderr).toContain("ENOSPC: no space left on device (planted by the test)");
    expect(planted.stderr.trimEnd().split("\n").at(-1)).toBe("internal error: this is a bug; please report it with the output above.");
  });
});

function listFiles(dir: string, relative = ""): string[] {
  return readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(dir, path.join(relative, entry.name)) : [path.join(relative, entry.name)],
  );
}
