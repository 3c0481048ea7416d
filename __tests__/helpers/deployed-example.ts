/**
 * The shipped example deployed into a fake cloud (main-production and hosts-production, as
 * deploy:local does it), once per jest run: several files plan changed configs against that
 * deploy (mesh-offline, key-rotation, change-review-offline) and each used to deploy it itself,
 * about a dozen Terraform commands each. The first file that asks deploys it into the directory
 * jest's globalSetup made (TEST_SHARED_DEPLOY), under a lock directory; every file, the first
 * included, then works on its own copy: the synthesized project with its deployed scratch copy
 * (work-deploy/, state files beside it) and the fake cloud, copied into the file's own emulator
 * home (testEmulator()), so what one file plans or writes never reaches another. Without that
 * directory (a single file run outside jest's globalSetup) the file deploys on its own, as before.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { terraformEnvironment } from "../../offline-terraform/emulator-home";
import { runOffline } from "../../offline-terraform/runner/offline-run";
import { SHARED_DEPLOY_VARIABLE } from "./global-setup";
import { exampleConfig, synthApp, type SynthResult, type TfJson } from "./synth";
import { copyOfTemplate, failures, testEmulator } from "./terraform";

/** The stacks deployed: what the files that plan against the deploy read. */
export const DEPLOYED_STACKS = ["main-production", "hosts-production"] as const;

const WAIT_MS = 240_000;

/**
 * A fresh copy of the deployed example for this test file: `root` holds cdktf.out and the deploy's
 * scratch copy work-deploy/ with its state, and testEmulator()'s default fake cloud holds what the
 * deploy made. Remove `root` with cleanUpTerraformRuns like any synth.
 */
export async function deployedExample(): Promise<SynthResult> {
  const shared = process.env[SHARED_DEPLOY_VARIABLE];
  if (shared === undefined || shared === "" || !existsSync(shared)) return deployHere();
  const fixture = path.join(shared, "example");
  const lock = path.join(shared, "example.lock");
  const failed = path.join(shared, "example.failed");
  if (!existsSync(fixture)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // another file is deploying it: wait below
    }
    if (mine) {
      try {
        await buildFixture(shared, fixture);
      } catch (error) {
        writeFileSync(failed, error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error));
        throw error;
      }
    }
    const started = Date.now();
    while (!existsSync(fixture)) {
      if (existsSync(failed)) throw new Error(`the shared deploy of the example failed:\n${readFileSync(failed, "utf8")}`);
      if (Date.now() - started > WAIT_MS) throw new Error(`the shared deploy of the example did not finish within ${WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const root = mkdtempSync(path.join(tmpdir(), "synth-test-"));
  cpSync(path.join(fixture, "root"), root, { recursive: true, verbatimSymlinks: true });
  cpSync(path.join(fixture, "store.json"), storeOf(testEmulator().home));
  return synthResultAt(root);
}

/** The old way: synthesize and deploy in this file, against its own emulator home. */
async function deployHere(): Promise<SynthResult> {
  const deployed = synthApp(await exampleConfig());
  deploy(deployed.root, deployed.outdir, testEmulator().home);
  return deployed;
}

function deploy(root: string, outdir: string, home: string): void {
  const emulator = home === testEmulator().home ? testEmulator() : copyOfTemplate(home);
  const reports = runOffline("deploy", { projectRoot: root, outdir, workRoot: path.join(root, "work-deploy"), emulator, only: [...DEPLOYED_STACKS] });
  if (failures(reports) !== "") throw new Error(failures(reports));
}

/**
 * Synthesizes and deploys the example into `shared`, with an emulator home that lives there
 * until globalTeardown (work-deploy's .terraform links into its provider mirror), then publishes
 * it as `fixture` with one rename, so a waiting file never sees half of it.
 */
async function buildFixture(shared: string, fixture: string): Promise<void> {
  const building = mkdtempSync(path.join(shared, "building-"));
  const root = path.join(building, "root");
  const synth = synthApp(await exampleConfig());
  try {
    cpSync(synth.root, root, { recursive: true });
  } finally {
    rmSync(synth.root, { recursive: true, force: true });
  }
  const home = path.join(shared, "home");
  deploy(root, path.join(root, "cdktf.out"), home);
  cpSync(storeOf(home), path.join(building, "store.json"));
  renameSync(building, fixture);
}

function storeOf(home: string): string {
  return terraformEnvironment({ home, cliConfigFile: "", providers: {} }, {}).OFFLINE_TF_STORE as string;
}

function synthResultAt(root: string): SynthResult {
  const outdir = path.join(root, "cdktf.out");
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(outdir, full), readFileSync(full, "utf8"));
    }
  };
  walk(outdir);
  const stacks: Record<string, TfJson> = {};
  for (const [file, content] of files) {
    const match = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(file);
    if (match?.[1] !== undefined) stacks[match[1]] = JSON.parse(content) as TfJson;
  }
  return { root, outdir, stacks, files };
}
