import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ResourceDrift } from "./drift-report";
import { terraform } from "./terraform-process";

export type StackDrift =
  | { readonly status: "none" | "drift"; readonly drift: readonly ResourceDrift[] }
  | { readonly status: "error"; readonly output: string };

/**
 * `terraform plan -refresh-only -detailed-exitcode` in one stack directory (after `init`),
 * and the plan's `resource_drift`: what changed outside Terraform. The plan file, which holds
 * the refreshed values (secrets included), lives in a private temporary directory only as
 * long as `terraform show` needs it.
 */
export function stackDrift(stackDir: string, env: NodeJS.ProcessEnv): StackDrift {
  const init = terraform(["init", "-input=false", "-no-color"], stackDir, env);
  if (init.status !== 0) return { status: "error", output: init.stdout + init.stderr };
  const scratch = mkdtempSync(path.join(tmpdir(), "drift-"));
  try {
    const planFile = path.join(scratch, "refresh.plan");
    const plan = terraform(["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", `-out=${planFile}`], stackDir, env);
    if (plan.status === 0) return { status: "none", drift: [] };
    if (plan.status !== 2) return { status: "error", output: plan.stdout + plan.stderr };
    const shown = terraform(["show", "-json", planFile], stackDir, env);
    if (shown.status !== 0) return { status: "error", output: shown.stdout + shown.stderr };
    const drift = (JSON.parse(shown.stdout) as { resource_drift?: ResourceDrift[] }).resource_drift ?? [];
    return { status: drift.length > 0 ? "drift" : "none", drift };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
