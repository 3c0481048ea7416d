import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ensureEmulatorHome, DEFAULT_HOME, emulatorHomeFromEnvironment, terraformEnvironment, type EmulatorHome } from "../emulator-home";
import { DEFAULT_STORE_NAME } from "../store";
import { cdktfDeploy } from "./cdktf-deploy";
import { deployedStateDirectory, storeFile } from "./fake-cloud-files";
import { placeholderVariables, runOffline, type Command } from "./offline-run";
import { stacksInDependencyOrder } from "./stack-order";
import { terraform } from "./terraform-process";

const USAGE = "usage: node scripts/run-offline-terraform.js validate|plan|cdktf-deploy\n       node scripts/run-offline-terraform.js deploy [--store FILE]";

/**
 * `npm run tf:validate | tf:plan | deploy:local | deploy:local:cdktf`: real Terraform core
 * over every stack, providers emulated offline. Exit 1 when any step fails, 2 on bad usage.
 * validate and plan use a scratch fake cloud; deploy applies into a persistent one (`--store`,
 * default .offline-terraform/fake-cloud.json), its state kept beside it, so a second deploy
 * applies only what changed and `npm run drift -- --offline` can compare against it.
 */
function main(args: readonly string[]): number {
  let command: string | undefined;
  let store: string | undefined;
  try {
    const parsed = parseArgs({ args: [...args], options: { store: { type: "string" } }, strict: true, allowPositionals: true });
    if (parsed.positionals.length !== 1) throw new Error("expected one command");
    command = parsed.positionals[0];
    store = parsed.values.store;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (command !== "validate" && command !== "plan" && command !== "deploy" && command !== "cdktf-deploy") {
    console.error(USAGE);
    return 2;
  }
  if (store !== undefined && command !== "deploy") {
    console.error(`--store is for deploy only\n${USAGE}`);
    return 2;
  }
  const projectRoot = process.cwd();
  const started = Date.now();
  const emulator = ensureEmulatorHome(emulatorHomeFromEnvironment());
  const providers = Object.entries(emulator.providers).map(([source, version]) => `${source} ${version}`);
  console.log(`emulator ready (${providers.join(", ")}) in ${elapsed(started)} s`);
  const ok = command === "cdktf-deploy" ? deployWithCdktf(projectRoot, emulator) : runOnOutdir(command, projectRoot, emulator, storeFile(store));
  console.log(`${ok ? "ok" : "FAILED"}: ${command} in ${elapsed(started)} s`);
  return ok ? 0 : 1;
}

function runOnOutdir(command: Command, projectRoot: string, emulator: EmulatorHome, deployStore: string): boolean {
  const outdir = path.resolve(projectRoot, process.env.CDKTF_OUTDIR || "cdktf.out");
  if (!existsSync(path.join(outdir, "manifest.json"))) {
    console.error(`error: ${path.relative(projectRoot, outdir)}/manifest.json not found: run npm run synth first`);
    return false;
  }
  const scratch = path.join(DEFAULT_HOME, "work", command);
  const target =
    command === "deploy"
      ? { workRoot: deployedStateDirectory(deployStore), store: deployStore, keepState: true }
      : { workRoot: scratch, store: path.join(scratch, DEFAULT_STORE_NAME), keepState: false };
  if (command === "deploy") console.log(`fake cloud: ${shown(deployStore)} (Terraform state in ${shown(target.workRoot)})`);
  const reports = runOffline(command, { projectRoot, outdir, emulator, log: (line) => console.log(line), ...target });
  return reports.length > 0 && reports.every((report) => report.ok);
}

/** `cdktf deploy` itself, then the same no-changes re-plan per stack with plain terraform. */
function deployWithCdktf(projectRoot: string, emulator: EmulatorHome): boolean {
  const workRoot = path.join(DEFAULT_HOME, "work", "cdktf-deploy");
  const store = path.join(workRoot, DEFAULT_STORE_NAME);
  const deploy = cdktfDeploy(projectRoot, workRoot, emulator, store);
  console.log(`cdktf deploy: exit ${deploy.status} in ${deploy.seconds.toFixed(1)} s`);
  if (deploy.status !== 0) return false;
  const outdir = path.join(workRoot, "cdktf.out");
  let ok = true;
  for (const stack of stacksInDependencyOrder(outdir)) {
    const cwd = path.join(outdir, stack.workingDirectory);
    const result = terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], cwd, { ...terraformEnvironment(emulator, process.env, store), ...placeholderVariables(cwd) });
    console.log(`${stack.name.padEnd(28)} re-plan    ${result.seconds.toFixed(2).padStart(6)} s  ${result.status === 0 ? "no changes" : "FAILED"}`);
    if (result.status !== 0) {
      console.log(result.stdout + result.stderr);
      ok = false;
    }
  }
  return ok;
}

/** Paths inside the project are shown relative to it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function elapsed(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

process.exitCode = main(process.argv.slice(2));
