import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { runningProviderHosts, stopProviderHosts, withProviderHost } from "../offline-terraform/runner/provider-hosts";
import type { StepReport } from "../offline-terraform/runner/offline-run";
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

function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Waits (polling, up to 10 s) until `done` holds; false when it never did. */
function eventually(done: () => boolean): boolean {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
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

  it("a run outside the emulator (no OFFLINE_TF_HOME / OFFLINE_TF_STORE) is left as it is", () => {
    const env = { PATH: "/usr/bin" };
    expect(withProviderHost(["plan"], env)).toBe(env);
    expect(withProviderHost(["plan"], { OFFLINE_TF_HOME: "/x" })).toEqual({ OFFLINE_TF_HOME: "/x" });
  });

  it.each([["init"], ["-chdir=stack", "init", "-input=false"], ["providers", "lock"], ["get"], ["-no-color"]].map((args) => [args.join(" "), args] as const))(
    "terraform %s installs providers (or runs none): Terraform starts them from the mirror",
    (_command, args) => {
      expect(withProviderHost(args, emulatorEnv()).TF_REATTACH_PROVIDERS).toBeUndefined();
    },
  );

  it("OFFLINE_TF_REATTACH=0, or a TF_REATTACH_PROVIDERS already set, is left to Terraform", () => {
    expect(withProviderHost(["plan"], emulatorEnv({ OFFLINE_TF_REATTACH: "0" })).TF_REATTACH_PROVIDERS).toBeUndefined();
    expect(withProviderHost(["plan"], emulatorEnv({ TF_REATTACH_PROVIDERS: "{}" })).TF_REATTACH_PROVIDERS).toBe("{}");
  });

  it("a host that cannot start is an error that says why, with what it printed", () => {
    const home = path.join(scratch, "broken-home");
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, "provider.js"), 'console.error("cannot read the schemas"); process.exit(3);\n');
    expect(() => withProviderHost(["-chdir=stack", "plan"], { OFFLINE_TF_HOME: home, OFFLINE_TF_STORE: path.join(scratch, "broken.json") })).toThrow(
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

  it("serves every emulated provider from one process, over unix sockets, as a test provider Terraform never stops", () => {
    const env = withProviderHost(["plan"], terraformEnvironment(testEmulator(), {}, path.join(scratch, "serve.json")));
    const entries = reattachOf(env);
    expect(Object.keys(entries).sort()).toEqual(Object.keys(testEmulator().providers).sort());
    const pids = new Set(Object.values(entries).map((entry) => entry.Pid));
    expect(pids.size).toBe(1);
    for (const entry of Object.values(entries)) {
      expect(entry).toMatchObject({ Test: true, Addr: { Network: "unix" } });
      expect(existsSync(entry.Addr.String)).toBe(true);
    }
    // The same home and fake cloud: the same host.
    expect(reattachOf(withProviderHost(["apply"], terraformEnvironment(testEmulator(), {}, path.join(scratch, "serve.json"))))).toEqual(entries);
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

  it("init still installs every provider from the mirror, with its hash in the lock file", () => {
    const reports = runTerraform("plan", example, ["main-production"]);
    expect(failures(reports)).toBe("");
    const lock = readFileSync(path.join(example.root, "work-plan", "cdktf.out", "stacks", "main-production", ".terraform.lock.hcl"), "utf8");
    for (const source of ["registry.terraform.io/digitalocean/digitalocean", "registry.terraform.io/hashicorp/null"]) {
      expect(lock).toMatch(new RegExp(`provider "${source}" \\{[^}]*"h1:[A-Za-z0-9+/=]+"`, "s"));
    }
  });

  it("keeps at most three hosts: the least recently used one is stopped", () => {
    stopProviderHosts();
    const pidFor = (name: string) => Object.values(reattachOf(withProviderHost(["plan"], terraformEnvironment(testEmulator(), {}, path.join(scratch, `${name}.json`)))))[0]!.Pid;
    const first = pidFor("one");
    pidFor("two");
    pidFor("three");
    expect(pidFor("one")).toBe(first);
    pidFor("four"); // "two" was used least recently
    expect(runningProviderHosts()).toHaveLength(3);
    expect(runningProviderHosts()).toContain(first);
    stopProviderHosts();
    expect(eventually(() => !isAlive(first))).toBe(true);
  });

  it("a host ends with the process that started it, sockets removed, and never keeps that process from ending", () => {
    const bundle = path.join(scratch, "provider-hosts-bundle.js");
    buildSync({ entryPoints: [path.join(REPO_ROOT, "offline-terraform", "runner", "provider-hosts.ts")], outfile: bundle, bundle: true, platform: "node", format: "cjs", logLevel: "error" });
    const env = { ...process.env, OFFLINE_TF_HOME: testEmulator().home, OFFLINE_TF_STORE: path.join(scratch, "orphan.json") };
    const code = `process.stdout.write(require(${JSON.stringify(bundle)}).withProviderHost(["plan"], process.env).TF_REATTACH_PROVIDERS);`;
    const child = spawnSync(process.execPath, ["-e", code], { env, encoding: "utf8", timeout: 30_000 });
    expect(child.status).toBe(0);
    const entries = Object.values(JSON.parse(child.stdout) as Record<string, ReattachEntry>);
    expect(entries).toHaveLength(Object.keys(testEmulator().providers).length);
    expect(eventually(() => entries.every((entry) => !isAlive(entry.Pid) && !existsSync(entry.Addr.String)))).toBe(true);
  });
});
