import { cpSync, existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ensureEmulatorHome, emulatorHomeFromEnvironment, terraformEnvironment } from "../emulator-home";
import { stackDrift } from "./drift";
import { describeDrift } from "./drift-report";
import { deployedStateDirectory, storeFile } from "./fake-cloud-files";
import { placeholderVariables } from "./offline-run";
import { stacksInDependencyOrder } from "./stack-order";

const USAGE = `usage: npm run drift [-- --offline [--store FILE]]

Runs terraform plan -refresh-only for every synthesized stack (cdktf.out/stacks/*), upstream
stacks first, and prints what changed outside Terraform. Exit 0: no drift; 1: drift; 2: error.
  (default)        the real providers, in each stack directory, credentials from TF_VAR_*
  --offline        the fake cloud that npm run deploy:local applied into
  --store FILE     that fake cloud's file (default .offline-terraform/fake-cloud.json)`;

const NO_DRIFT = 0;
const DRIFT = 1;
const ERROR = 2;

function main(args: readonly string[]): number {
  let offline = false;
  let store: string | undefined;
  try {
    const { values } = parseArgs({ args: [...args], options: { offline: { type: "boolean" }, store: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    if (values.help === true) {
      console.log(USAGE);
      return NO_DRIFT;
    }
    offline = values.offline === true;
    store = values.store;
    if (store !== undefined && !offline) throw new Error("--store needs --offline (the real providers read the real cloud)");
  } catch (error) {
    console.error(`drift: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return ERROR;
  }
  const projectRoot = process.cwd();
  const outdir = path.resolve(projectRoot, process.env.CDKTF_OUTDIR || "cdktf.out");
  if (!existsSync(path.join(outdir, "manifest.json"))) {
    console.error(`drift: ${path.relative(projectRoot, outdir)}/manifest.json not found: run npm run synth first`);
    return ERROR;
  }
  const target = offline ? offlineTarget(projectRoot, outdir, storeFile(store)) : { outdir, env: () => process.env };
  if (typeof target === "string") {
    console.error(`drift: ${target}`);
    return ERROR;
  }
  let drifted = 0;
  let failed = 0;
  const stacks = stacksInDependencyOrder(target.outdir);
  for (const stack of stacks) {
    const stackDir = path.join(target.outdir, stack.workingDirectory);
    const result = stackDrift(stackDir, target.env(stackDir));
    if (result.status === "error") {
      failed += 1;
      console.log(`${stack.name}: ERROR\n${result.output}`);
      continue;
    }
    if (result.status === "none") {
      console.log(`${stack.name}: no drift`);
      continue;
    }
    drifted += 1;
    console.log(`${stack.name}: ${result.drift.length} resource(s) changed outside Terraform`);
    for (const line of result.drift.flatMap(describeDrift)) console.log(`  ${line}`);
  }
  console.log(failed > 0 ? `drift: ${failed} of ${stacks.length} stacks could not be checked` : drifted > 0 ? `drift in ${drifted} of ${stacks.length} stacks` : `no drift in ${stacks.length} stacks`);
  return failed > 0 ? ERROR : drifted > 0 ? DRIFT : NO_DRIFT;
}

/**
 * Against the fake cloud: the stacks are compared in the state npm run deploy:local keeps
 * beside the store, with a fresh copy of the synthesized stacks (placeholders for secrets).
 */
function offlineTarget(projectRoot: string, outdir: string, store: string): { outdir: string; env: (stackDir: string) => NodeJS.ProcessEnv } | string {
  const workRoot = deployedStateDirectory(store);
  if (!existsSync(workRoot)) return `nothing was deployed into ${store} (no ${workRoot}): run npm run deploy:local -- --store ${store}`;
  const workOutdir = path.join(workRoot, path.relative(projectRoot, outdir));
  rmSync(workOutdir, { recursive: true, force: true });
  cpSync(outdir, workOutdir, { recursive: true, filter: (source) => !/(^|\/)(\.terraform|\.terraform\.lock\.hcl)$/.test(source) });
  const emulator = ensureEmulatorHome(emulatorHomeFromEnvironment());
  return { outdir: workOutdir, env: (stackDir) => ({ ...terraformEnvironment(emulator, process.env, store), ...placeholderVariables(stackDir) }) };
}

process.exitCode = main(process.argv.slice(2));
