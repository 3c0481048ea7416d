import { cpSync, rmSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../../offline-terraform/emulator-home";
import { placeholderVariables } from "../../offline-terraform/runner/offline-run";
import { stripProvisioners } from "../../offline-terraform/runner/provisioners";
import { stacksInDependencyOrder, upstreamStackNames } from "../../offline-terraform/runner/stack-order";
import { terraform } from "../../offline-terraform/runner/terraform-process";
import type { SynthResult } from "./synth";
import { testEmulator } from "./terraform";

/** `terraform show -json <plan>`: the parts the tests read. */
export interface PlanJson {
  readonly planned_values: {
    readonly outputs?: Record<string, { readonly value?: unknown }>;
    readonly root_module: { readonly resources?: readonly { readonly address: string; readonly values: Record<string, unknown> }[] };
  };
}

/**
 * Plans every stack of a synthesized app (upstream stacks first, each applied to scratch state
 * so its dependents can read it) and returns `terraform show -json` of each saved plan.
 * Throws with Terraform's output when a step fails.
 */
export function planJsonOfEveryStack(synth: SynthResult): Record<string, PlanJson> {
  const workRoot = path.join(synth.root, "work-plan-json");
  const workOutdir = path.join(workRoot, path.relative(synth.root, synth.outdir));
  rmSync(workRoot, { recursive: true, force: true });
  cpSync(synth.outdir, workOutdir, { recursive: true });
  const stacks = stacksInDependencyOrder(workOutdir);
  const upstream = upstreamStackNames(stacks);
  const plans: Record<string, PlanJson> = {};
  for (const stack of stacks) {
    const cwd = path.join(workOutdir, stack.workingDirectory);
    const run = (args: string[]): string => {
      const result = terraform(args, cwd, { ...terraformEnvironment(testEmulator()), ...placeholderVariables(cwd) });
      if (result.status !== 0) throw new Error(`${stack.name}: terraform ${args[0]} failed:\n${result.stdout}${result.stderr}`);
      return result.stdout;
    };
    run(["init", "-input=false", "-no-color"]);
    run(["plan", "-input=false", "-no-color", "-lock=false", "-out=hostile.tfplan"]);
    plans[stack.name] = JSON.parse(run(["show", "-json", "-no-color", "hostile.tfplan"])) as PlanJson;
    if (upstream.has(stack.name)) {
      stripProvisioners(cwd);
      run(["apply", "-input=false", "-no-color", "-auto-approve"]);
    }
  }
  return plans;
}
