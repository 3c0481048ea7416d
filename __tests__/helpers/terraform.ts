import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildEmulatorHome, cliConfig, type EmulatorHome } from "../../offline-terraform/emulator-home";
import { deployedStateDirectory } from "../../offline-terraform/runner/fake-cloud-files";
import { runOffline, type Command, type StepReport } from "../../offline-terraform/runner/offline-run";
import { terraformVersion } from "../../offline-terraform/runner/terraform-process";
import type { SynthResult } from "./synth";

/**
 * `describe` when the terraform binary is on PATH. Without it: a loud skip locally, a
 * failing test with CI=true (CI must never pass by skipping the real checker).
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const version = terraformVersion();
  if (version !== undefined) {
    describe(`${name} (terraform ${version})`, body);
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs the terraform binary on PATH (CI=true: not skipping)", () => {
        throw new Error("terraform is not on PATH; install Terraform >= 1.10 on the CI machine");
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${name}": terraform is not on PATH. These tests run real Terraform core offline; install it to run them. ***\n`);
  describe.skip(name, body);
}

let emulator: EmulatorHome | undefined;

/**
 * One emulator home per test file, in a temp dir (the project's .offline-terraform is left alone),
 * so each file has its own default fake cloud. It is a copy of the home jest's globalSetup built
 * (global-setup.ts) when there is one, with its own CLI config; else it is built here.
 */
export function testEmulator(): EmulatorHome {
  emulator ??= copyOfTemplate(mkdtempSync(path.join(tmpdir(), "offline-tf-home-")));
  return emulator;
}

export function copyOfTemplate(home: string): EmulatorHome {
  const template = process.env.TEST_EMULATOR_TEMPLATE;
  if (template === undefined || template === "" || !existsSync(path.join(template, "provider.js"))) return buildEmulatorHome(home);
  for (const name of ["provider.js", "proto", "schemas", "mirror"]) cpSync(path.join(template, name), path.join(home, name), { recursive: true });
  const cliConfigFile = path.join(home, "terraformrc");
  writeFileSync(cliConfigFile, cliConfig(path.join(home, "mirror")));
  const providers: Record<string, string> = {};
  for (const file of readdirSync(path.join(home, "schemas"))) {
    const schema = JSON.parse(readFileSync(path.join(home, "schemas", file), "utf8")) as { source: string; version: string };
    providers[schema.source] = schema.version;
  }
  return { home, cliConfigFile, providers };
}

/**
 * A home for OFFLINE_TF_HOME of the npm scripts a test runs (drift, deploy:local): a full copy
 * of globalSetup's home, stamps included, its CLI config rewritten for the new place, so the
 * scripts find it current (ensureEmulatorHome) instead of building their own. Without a
 * template, `dir` is left empty and the first script builds it.
 */
export function scriptEmulatorHome(dir: string): string {
  const template = process.env.TEST_EMULATOR_TEMPLATE;
  if (template === undefined || template === "" || !existsSync(path.join(template, "provider.js"))) return dir;
  cpSync(template, dir, { recursive: true });
  writeFileSync(path.join(dir, "terraformrc"), cliConfig(path.join(dir, "mirror")));
  return dir;
}

/** Removes the emulator home and every scratch copy made from `synths` (the file's provider hosts stop in stop-provider-hosts.ts). */
export function cleanUpTerraformRuns(synths: readonly (SynthResult | undefined)[]): void {
  if (emulator !== undefined) rmSync(emulator.home, { recursive: true, force: true });
  emulator = undefined;
  for (const synth of synths) if (synth !== undefined) rmSync(synth.root, { recursive: true, force: true });
}

/**
 * Runs one offline command over a synthesized app. By default in a scratch copy next to it,
 * from empty state, against the test file's fake cloud. With `store`: against that fake cloud
 * and the Terraform state kept beside it (as deploy:local --store does), so a deploy followed
 * by a plan, even of another synthesized config, plans against what the deploy made.
 */
export function runTerraform(command: Command, synth: SynthResult, only?: readonly string[], store?: string): StepReport[] {
  return runOffline(command, {
    projectRoot: synth.root,
    outdir: synth.outdir,
    workRoot: store === undefined ? path.join(synth.root, `work-${command}`) : deployedStateDirectory(store),
    emulator: testEmulator(),
    ...(only === undefined ? {} : { only }),
    ...(store === undefined ? {} : { store, keepState: true }),
  });
}

export function failures(reports: readonly StepReport[]): string {
  return reports
    .filter((report) => !report.ok)
    .map((report) => `${report.stack} ${report.step}:\n${report.output}`)
    .join("\n");
}

export type StackResources = { resource: Record<string, Record<string, Record<string, unknown>>> };

/**
 * Plants an error in one stack of `synth` (an edit of its cdk.tf.json), runs init + validate,
 * restores the file, and returns validate's output. Init must pass and validate must fail.
 */
export function validatePlanted(synth: SynthResult, stack: string, edit: (json: StackResources) => void): string {
  const file = path.join(synth.outdir, "stacks", stack, "cdk.tf.json");
  const original = readFileSync(file, "utf8");
  const planted = JSON.parse(original) as StackResources;
  edit(planted);
  writeFileSync(file, JSON.stringify(planted, null, 2));
  try {
    const [init, validate] = runTerraform("validate", synth, [stack]);
    expect(init?.ok).toBe(true);
    expect(validate?.ok).toBe(false);
    return validate?.output ?? "";
  } finally {
    writeFileSync(file, original);
  }
}
