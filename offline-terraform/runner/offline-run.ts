import { cpSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { buildEmulatorHome, terraformEnvironment, type EmulatorHome } from "../emulator-home";
import { stacksInDependencyOrder, upstreamStackNames, type ManifestStack } from "./stack-order";
import { stripProvisioners } from "./provisioners";
import { planCounts, terraform, type TerraformResult } from "./terraform-process";

export type Command = "validate" | "plan" | "deploy";

export interface StepReport {
  readonly stack: string;
  readonly step: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly summary: string;
  readonly output: string;
}

export interface RunOptions {
  /** The project root the outdir belongs to (state paths are relative to it). */
  readonly projectRoot: string;
  /** The synthesized output to check, e.g. <projectRoot>/cdktf.out. */
  readonly outdir: string;
  /** Scratch directory: receives a copy of the outdir and all state. Emptied first. */
  readonly workRoot: string;
  readonly emulator?: EmulatorHome;
  readonly log?: (line: string) => void;
  /** Only these stacks (default: every stack in the manifest). */
  readonly only?: readonly string[];
  /** The fake cloud (default: the store inside the emulator home). */
  readonly store?: string;
  /**
   * Keep the work root's Terraform state from earlier runs (a persistent deploy into `store`):
   * only the copy of the outdir is replaced. Default: the work root is emptied first.
   */
  readonly keepState?: boolean;
}

/**
 * Runs real Terraform against a scratch copy of the synthesized output, with every provider
 * served by the emulator. The copy keeps the outdir's position relative to the project root,
 * so each stack's relative local-backend path (../../../terraform.<stack>.tfstate) and the
 * cross-stack terraform_remote_state paths land in the scratch directory: the user's real
 * state files, cdktf.out/.terraform and lock files are never touched.
 */
export function runOffline(command: Command, options: RunOptions): StepReport[] {
  const emulator = options.emulator ?? buildEmulatorHome();
  const log = options.log ?? (() => undefined);
  const workOutdir = path.join(options.workRoot, path.relative(options.projectRoot, options.outdir));
  rmSync(options.keepState === true ? workOutdir : options.workRoot, { recursive: true, force: true });
  cpSync(options.outdir, workOutdir, { recursive: true, filter: (source) => !/(^|\/)(\.terraform|\.terraform\.lock\.hcl)$/.test(source) });
  const stacks = stacksInDependencyOrder(workOutdir).filter((stack) => options.only?.includes(stack.name) ?? true);
  const upstream = upstreamStackNames(stacks);
  const reports: StepReport[] = [];
  const step = (stack: ManifestStack, name: string, args: string[], accept: (result: TerraformResult) => boolean, summarize: (result: TerraformResult) => string): boolean => {
    const cwd = path.join(workOutdir, stack.workingDirectory);
    const result = terraform(args, cwd, { ...terraformEnvironment(emulator, process.env, options.store), ...placeholderVariables(cwd) });
    const ok = accept(result);
    const report = { stack: stack.name, step: name, ok, seconds: result.seconds, summary: ok ? summarize(result) : "FAILED", output: result.stdout + result.stderr };
    reports.push(report);
    log(`${stack.name.padEnd(28)} ${name.padEnd(10)} ${result.seconds.toFixed(2).padStart(6)} s  ${report.summary}`);
    if (!ok) log(report.output);
    return ok;
  };
  const succeeded = (result: TerraformResult) => result.status === 0;
  const planSummary = (result: TerraformResult) => {
    const counts = planCounts(result.stdout);
    return counts === undefined ? "" : `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
  };
  const beforeApply = (stack: ManifestStack) => {
    const skipped = stripProvisioners(path.join(workOutdir, stack.workingDirectory));
    if (skipped.length > 0) log(`${stack.name.padEnd(28)} offline: ${skipped.length} provisioner(s) not run (they SSH to real hosts): ${skipped.join(", ")}`);
  };
  for (const stack of stacks) {
    if (!step(stack, "init", ["init", "-input=false", "-no-color"], succeeded, () => "providers from the offline mirror")) return reports;
    if (command === "validate") {
      step(stack, "validate", ["validate", "-no-color"], succeeded, () => "valid");
      continue;
    }
    if (command === "plan") {
      if (!step(stack, "plan", ["plan", "-input=false", "-no-color", "-lock=false"], succeeded, planSummary)) return reports;
      // Dependents read this stack's outputs through its state: give them one, in scratch.
      if (upstream.has(stack.name)) beforeApply(stack);
      if (upstream.has(stack.name) && !step(stack, "apply", ["apply", "-input=false", "-no-color", "-auto-approve"], succeeded, () => "scratch state for dependents")) return reports;
      continue;
    }
    beforeApply(stack);
    if (!step(stack, "apply", ["apply", "-input=false", "-no-color", "-auto-approve"], succeeded, (result) => /Apply complete! (.*)\./.exec(result.stdout)?.[1] ?? "")) return reports;
  }
  if (command === "deploy") {
    for (const stack of stacks) {
      step(stack, "re-plan", ["plan", "-input=false", "-no-color", "-detailed-exitcode"], succeeded, () => "no changes");
    }
  }
  return reports;
}

/**
 * The stacks' input variables (secrets such as TF_VAR_do_token) get placeholders: the
 * emulator needs no credentials, and real ones must never be used here.
 */
export function placeholderVariables(stackDir: string): Record<string, string> {
  const config = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { variable?: Record<string, { default?: unknown; type?: string }> };
  const variables: Record<string, string> = {};
  for (const [name, variable] of Object.entries(config.variable ?? {})) {
    if (variable.default !== undefined) continue;
    variables[`TF_VAR_${name}`] = variable.type === "number" ? "0" : variable.type === "bool" ? "false" : "offline-placeholder";
  }
  return variables;
}
