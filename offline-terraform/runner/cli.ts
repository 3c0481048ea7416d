import { existsSync } from "node:fs";
import * as path from "node:path";
import { buildEmulatorHome, DEFAULT_HOME, terraformEnvironment, type EmulatorHome } from "../emulator-home";
import { cdktfDeploy } from "./cdktf-deploy";
import { placeholderVariables, runOffline, type Command } from "./offline-run";
import { stacksInDependencyOrder } from "./stack-order";
import { terraform } from "./terraform-process";

const USAGE = "usage: node scripts/run-offline-terraform.js validate|plan|deploy|cdktf-deploy";

/**
 * `npm run tf:validate | tf:plan | deploy:local | deploy:local:cdktf`: real Terraform core
 * over every stack, providers emulated offline. Exit 1 when any step fails.
 */
function main(command: string | undefined): number {
  if (command !== "validate" && command !== "plan" && command !== "deploy" && command !== "cdktf-deploy") {
    console.error(USAGE);
    return 2;
  }
  const projectRoot = process.cwd();
  const started = Date.now();
  const emulator = buildEmulatorHome();
  const providers = Object.entries(emulator.providers).map(([source, version]) => `${source} ${version}`);
  console.log(`emulator ready (${providers.join(", ")}) in ${elapsed(started)} s`);
  const ok = command === "cdktf-deploy" ? deployWithCdktf(projectRoot, emulator) : runOnOutdir(command, projectRoot, emulator);
  console.log(`${ok ? "ok" : "FAILED"}: ${command} in ${elapsed(started)} s`);
  return ok ? 0 : 1;
}

function runOnOutdir(command: Command, projectRoot: string, emulator: EmulatorHome): boolean {
  const outdir = path.resolve(projectRoot, process.env.CDKTF_OUTDIR || "cdktf.out");
  if (!existsSync(path.join(outdir, "manifest.json"))) {
    console.error(`error: ${path.relative(projectRoot, outdir)}/manifest.json not found: run npm run synth first`);
    return false;
  }
  const reports = runOffline(command, { projectRoot, outdir, workRoot: path.join(DEFAULT_HOME, "work", command), emulator, log: (line) => console.log(line) });
  return reports.length > 0 && reports.every((report) => report.ok);
}

/** `cdktf deploy` itself, then the same no-changes re-plan per stack with plain terraform. */
function deployWithCdktf(projectRoot: string, emulator: EmulatorHome): boolean {
  const workRoot = path.join(DEFAULT_HOME, "work", "cdktf-deploy");
  const deploy = cdktfDeploy(projectRoot, workRoot, emulator);
  console.log(`cdktf deploy: exit ${deploy.status} in ${deploy.seconds.toFixed(1)} s`);
  if (deploy.status !== 0) return false;
  const outdir = path.join(workRoot, "cdktf.out");
  let ok = true;
  for (const stack of stacksInDependencyOrder(outdir)) {
    const cwd = path.join(outdir, stack.workingDirectory);
    const result = terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], cwd, { ...terraformEnvironment(emulator), ...placeholderVariables(cwd) });
    console.log(`${stack.name.padEnd(28)} re-plan    ${result.seconds.toFixed(2).padStart(6)} s  ${result.status === 0 ? "no changes" : "FAILED"}`);
    if (result.status !== 0) {
      console.log(result.stdout + result.stderr);
      ok = false;
    }
  }
  return ok;
}

function elapsed(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

process.exitCode = main(process.argv[2]);
