import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { isRunning, runningProviderHosts, stopProviderHosts, withProviderHost } from "../offline-terraform/runner/provider-hosts";
import { sleepSync } from "../offline-terraform/sleep-sync";
import { placeholderVariables, type StepReport } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { exampleConfig, REPO_ROOT, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, runTerraform, testEmulator } from "./helpers/terraform";

const scratch = mkdtempSync(path.join(tmpdir(), "provider-hosts-test-"));

interface ReattachEntry {
  readonly Pid: number;
  readonly Test: boolean;
  readonly Addr: { readonly Network: string; readonly String: string };
}

function reattachOf(env: NodeJS.ProcessEnv): Record<string, ReattachEntry> {
  const text = env.TF_REATTACH_PROVIDERS;
  if (text === undefined) throw new Error("no TF_REATTACH_PROVIDERS");
  return JSON.parse(text) as Record<string, ReattachEntry>;
}

const ALL_SOURCES = ["registry.terraform.io/cloudflare/cloudflare", "registry.terraform.io/digitalocean/digitalocean", "registry.terraform.io/hashicorp/local", "registry.terraform.io/hashicorp/null"];

/** A working directory as `terraform init` leaves it: a lock file and these providers installed. */
function initialisedDirectory(name: string, sources: readonly string[] = ALL_SOURCES, options: { lockFile?: boolean } = {}): string {
  const dir = path.join(scratch, "workdirs", name);
  mkdirSync(dir, { recursive: true });
  if (options.lockFile ?? true) writeFileSync(path.join(dir, ".terraform.lock.hcl"), "# written by terraform init\n");
  for (const source of sources) mkdirSync(path.join(dir, ".terraform", "providers", source, "1.0.0", "linux_amd64"), { recursive: true });
  return dir;
}

/** Waits (polling, up to 10 s) until `done` holds; false when it never did. */
function eventually(done: () => boolean): boolean {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) return false;
    sleepSync(20);
  }
  return true;
}

/** Each step's output lines without timings, sorted: Terraform works on resources in parallel, in no fixed order. */
function withoutTimes(reports: readonly StepReport[]): string[] {
  const lines = (output: string) => output.replace(/\d+(\.\d+)?s\b/g, "<t>").split("\n").sort().join("\n");
  return reports.map((report) => `${report.stack} ${report.step} ${report.summary}\n${lines(report.output)}`);
}

describe("which Terraform commands reattach to a provider host", () => {
  const emulatorEnv = (extra: NodeJS.ProcessEnv = {}) => ({ OFFLINE_TF_HOME: "/nonexistent/home", OFFLINE_TF_STORE: "/nonexistent/store.json", ...extra });
  const initialised = () => initialisedDirectory("selection");

  it("a run outside the emulator (no OFFLINE_TF_HOME / OFFLINE_TF_STORE) is left as it is", () => {
    const env = { PATH: "/usr/bin" };
    expect(withProviderHost(["plan"], initialised(), env)).toBe(env);
    expect(withProviderHost(["plan"], initialised(), { OFFLINE_TF_HOME: "/x" })).toEqual({ OFFLINE_TF_HOME: "/x" });
  });

  it.each([["init"], ["-chdir=stack", "init", "-input=false"], ["providers", "lock"], ["get"], ["-no-color"]].map((args) => [args.join(" "), args] as const))(
    "terraform %s installs providers (or runs none): Terraform starts them from the mirror",
    (_command, args) => {
      expect(withProviderHost(args, initialised(), emulatorEnv()).TF_REATTACH_PROVIDERS).toBeUndefined();
    },
  );

  it("OFFLINE_TF_REATTACH=0, or a TF_REATTACH_PROVIDERS already set, is left to Terraform", () => {
    expect(withProviderHost(["plan"], initialised(), emulatorEnv({ OFFLINE_TF_REATTACH: "0" })).TF_REATTACH_PROVIDERS).toBeUndefined();
    expect(withProviderHost(["plan"], initialised(), emulatorEnv({ TF_REATTACH_PROVIDERS: "{}" })).TF_REATTACH_PROVIDERS).toBe("{}");
  });

  it("a directory init never ran in (no lock file, or nothing installed) is left to Terraform, which refuses it as it would for real", () => {
    expect(withProviderHost(["plan"], initialisedDirectory("no-lock", ALL_SOURCES, { lockFile: false }), emulatorEnv()).TF_REATTACH_PROVIDERS).toBeUndefined();
    expect(withProviderHost(["plan"], initialisedDirectory("nothing-installed", []), emulatorEnv()).TF_REATTACH_PROVIDERS).toBeUndefined();
  });

  it("a host that cannot start is an error that says why, with what it printed", () => {
    const home = path.join(scratch, "broken-home");
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, "provider.js"), 'console.error("cannot read the schemas"); process.exit(3);\n');
    const workdirs = path.dirname(initialised());
    expect(() => withProviderHost(["-chdir=selection", "plan"], workdirs, { OFFLINE_TF_HOME: home, OFFLINE_TF_STORE: path.join(scratch, "broken.json") })).toThrow(
      /the provider host \(.*provider\.js --host\) did not start: it exited:\ncannot read the schemas/,
    );
    expect(runningProviderHosts()).toEqual([]);
  });
});

describeWithTerraform("provider hosts: one emulator process per fake cloud, reattached by Terraform", () => {
  let example: SynthResult;

  beforeAll(async () => {
    example = synthApp(await exampleConfig());
  });

  afterAll(() => {
    cleanUpTerraformRuns([example]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const hostEnvironment = (store: string) => terraformEnvironment(testEmulator(), {}, path.join(scratch, `${store}.json`));

  it("serves every emulated provider from one process, over unix sockets, as a test provider Terraform never stops", () => {
    const env = withProviderHost(["plan"], initialisedDirectory("all"), hostEnvironment("serve"));
    const entries = reattachOf(env);
    expect(Object.keys(entries).sort()).toEqual(Object.keys(testEmulator().providers).sort());
    expect(Object.keys(entries).sort()).toEqual(ALL_SOURCES);
    const pids = new Set(Object.values(entries).map((entry) => entry.Pid));
    expect(pids.size).toBe(1);
    for (const entry of Object.values(entries)) {
      expect(entry).toMatchObject({ Test: true, Addr: { Network: "unix" } });
      expect(existsSync(entry.Addr.String)).toBe(true);
    }
    // The same home and fake cloud: the same host.
    expect(reattachOf(withProviderHost(["apply"], initialisedDirectory("all"), hostEnvironment("serve")))).toEqual(entries);
  });

  it("a real host that fails before it listens is reported with what it printed (its log outlives it)", () => {
    const home = path.join(scratch, "home-with-a-broken-schema");
    cpSync(testEmulator().home, home, { recursive: true });
    writeFileSync(path.join(home, "schemas", "zz-broken.json"), "{ not json");
    const brokenSchema = { ...hostEnvironment("broken-schema"), OFFLINE_TF_HOME: home };
    expect(() => withProviderHost(["plan"], initialisedDirectory("all"), brokenSchema)).toThrow(/did not start: it exited:\n[\s\S]*JSON/);
    // Its sockets go in a temporary directory that does not exist: it cannot listen.
    const noSocketDir = { ...hostEnvironment("no-socket-dir"), TMPDIR: path.join(scratch, "absent") };
    expect(() => withProviderHost(["plan"], initialisedDirectory("all"), noSocketDir)).toThrow(/did not start: it exited:\n[\s\S]*offline provider host: cannot listen on /);
  });

  it("reattaches only the providers init installed in the working directory (-chdir included)", () => {
    const two = initialisedDirectory("two", ["registry.terraform.io/digitalocean/digitalocean", "registry.terraform.io/hashicorp/null"]);
    expect(Object.keys(reattachOf(withProviderHost(["-chdir=two", "plan"], path.dirname(two), hostEnvironment("serve")))).sort()).toEqual([
      "registry.terraform.io/digitalocean/digitalocean",
      "registry.terraform.io/hashicorp/null",
    ]);
  });

  it("starts a new host when the emulator's schemas change (a host reads them once)", () => {
    const before = reattachOf(withProviderHost(["plan"], initialisedDirectory("all"), hostEnvironment("schemas")));
    const schema = path.join(testEmulator().home, "schemas", "null.json");
    const later = new Date(Date.now() + 5_000);
    utimesSync(schema, later, later);
    const after = reattachOf(withProviderHost(["plan"], initialisedDirectory("all"), hostEnvironment("schemas")));
    expect(Object.values(after)[0]!.Pid).not.toBe(Object.values(before)[0]!.Pid);
  });

  it("deploys the example exactly as providers Terraform starts itself do: same steps, same outputs, byte-identical fake cloud", () => {
    const reattachedStore = path.join(scratch, "reattached", "cloud.json");
    const startedStore = path.join(scratch, "started", "cloud.json");
    const reattached = runTerraform("deploy", example, undefined, reattachedStore);
    expect(failures(reattached)).toBe("");
    expect(runningProviderHosts().length).toBeGreaterThan(0);
    process.env.OFFLINE_TF_REATTACH = "0";
    try {
      stopProviderHosts();
      const started = runTerraform("deploy", example, undefined, startedStore);
      expect(failures(started)).toBe("");
      expect(runningProviderHosts()).toEqual([]);
      expect(withoutTimes(reattached)).toEqual(withoutTimes(started));
    } finally {
      delete process.env.OFFLINE_TF_REATTACH;
    }
    expect(readFileSync(reattachedStore, "utf8")).toBe(readFileSync(startedStore, "utf8"));
  });

  it("init still installs every provider from the mirror, with its hash in the lock file; without them, a plan fails as it would for real", () => {
    const reports = runTerraform("plan", example, ["main-production"]);
    expect(failures(reports)).toBe("");
    const stackDir = path.join(example.root, "work-plan", "cdktf.out", "stacks", "main-production");
    const lock = readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8");
    for (const source of ["registry.terraform.io/digitalocean/digitalocean", "registry.terraform.io/hashicorp/null"]) {
      expect(lock).toMatch(new RegExp(`provider "${source}" \\{[^}]*"h1:[A-Za-z0-9+/=]+"`, "s"));
    }
    rmSync(path.join(stackDir, ".terraform"), { recursive: true, force: true });
    const env = { ...terraformEnvironment(testEmulator()), ...placeholderVariables(stackDir) };
    expect(withProviderHost(["plan"], stackDir, env).TF_REATTACH_PROVIDERS).toBeUndefined();
    const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false"], stackDir, env);
    expect(plan.status).not.toBe(0);
    expect(plan.stderr).toMatch(/terraform init/);
  });

  it("keeps at most three hosts: the least recently used one is stopped", () => {
    stopProviderHosts();
    const pidFor = (name: string) => Object.values(reattachOf(withProviderHost(["plan"], initialisedDirectory("all"), hostEnvironment(name))))[0]!.Pid;
    const first = pidFor("one");
    pidFor("two");
    pidFor("three");
    expect(pidFor("one")).toBe(first);
    pidFor("four"); // "two" was used least recently
    expect(runningProviderHosts()).toHaveLength(3);
    expect(runningProviderHosts()).toContain(first);
    stopProviderHosts();
    expect(eventually(() => !isRunning(first))).toBe(true);
  });

  /** Runs `code` in a node child that has the caller side of the hosts as `hosts`; returns the reattach entries it printed. */
  const inChild = (store: string, code: string): { status: number | null; signal: NodeJS.Signals | null; entries: ReattachEntry[] } => {
    const bundle = path.join(scratch, "provider-hosts-bundle.js");
    buildSync({ entryPoints: [path.join(REPO_ROOT, "offline-terraform", "runner", "provider-hosts.ts")], outfile: bundle, bundle: true, platform: "node", format: "cjs", logLevel: "error" });
    const env = { ...process.env, OFFLINE_TF_HOME: testEmulator().home, OFFLINE_TF_STORE: path.join(scratch, store) };
    const script = `const hosts = require(${JSON.stringify(bundle)}); const env = hosts.withProviderHost(["plan"], ${JSON.stringify(initialisedDirectory("all"))}, process.env); require("node:fs").writeSync(1, env.TF_REATTACH_PROVIDERS); ${code}`;
    const child = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8", timeout: 30_000 });
    return { status: child.status, signal: child.signal, entries: Object.values(JSON.parse(child.stdout) as Record<string, ReattachEntry>) };
  };
  const hostGone = (entries: readonly ReattachEntry[]) => eventually(() => entries.every((entry) => !isRunning(entry.Pid) && !existsSync(entry.Addr.String)));

  it("a host never keeps the process that started it from ending, and ends with it, its sockets removed", () => {
    const ended = inChild("ended.json", "");
    expect(ended.status).toBe(0);
    expect(ended.entries).toHaveLength(ALL_SOURCES.length);
    expect(hostGone(ended.entries)).toBe(true);
  });

  it("a host ends when the process that started it is killed (its standard input closes), however abruptly", () => {
    const killed = inChild("killed.json", 'process.kill(process.pid, "SIGKILL");');
    expect(killed.signal).toBe("SIGKILL");
    expect(hostGone(killed.entries)).toBe(true);
  });
});
