import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { applyPolicies } from "../../constructs/policy/aspect";
import { PolicyError } from "../../constructs/policy/report";
import type { PolicyContext } from "../../constructs/policy/types";
import { synthesizeAtomically } from "../../stacks/synthesize";
import { REPO_ROOT } from "./synth";

/** The context of the example config: VPC 10.0.0.0/16, the application environment's internal ports, izzzi-production buckets. */
export const BASE_CONTEXT: PolicyContext = {
  trustedNetworks: ["10.0.0.0/16"],
  internalPorts: [5432, 6379, 3000, 4000],
  sshPorts: [],
  wireguardPorts: [51820],
  allowSshFromAnywhere: false,
  publicBucketNames: ["izzzi-production-assets"],
  stateBucketNames: ["izzzi-production-terraform-state"],
  requireUfwOnFirewalledDroplets: false,
  waivers: [],
};

export interface PolicyRun {
  /** The PolicyError's report, or undefined when synth passed. */
  readonly report?: string;
  readonly error?: PolicyError;
  /** Warning and waiver notices of a passing synth. */
  readonly notices: readonly string[];
  /** Whether anything was written to the output directory. */
  readonly written: boolean;
}

/**
 * Builds one stack named `test` with the given resources, applies the guard-rail Aspect and
 * synthesizes it atomically, exactly as main.ts does.
 */
export function synthWithPolicies(build: (stack: TerraformStack) => void, context: Partial<PolicyContext> = {}): PolicyRun {
  const root = mkdtempSync(path.join(tmpdir(), "policy-test-"));
  const outdir = path.join(root, "cdktf.out");
  const notices: string[] = [];
  try {
    synthesizeAtomically(outdir, (staging) => {
      const app = new App({ outdir: staging });
      const stack = new TerraformStack(app, "test");
      new DigitaloceanProvider(stack, "digitalocean", {});
      new LocalProvider(stack, "local", {});
      build(stack);
      applyPolicies(app, { ...BASE_CONTEXT, ...context }, { notify: (line) => notices.push(line) });
      return app;
    });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { report: error.message, error, notices, written: existsSync(outdir) };
  }
  return { report: undefined, notices, written: existsSync(outdir) };
}

export function userDataFixture(name: string): string {
  return readFileSync(path.join(REPO_ROOT, "__tests__", "fixtures", "user-data", name), "utf8");
}

/** The problem lines of a report (`<id> <path> (<address>): <problem>`), without fix and waiver lines. */
export function problemLines(run: PolicyRun): string[] {
  return (run.report ?? "").split("\n").filter((line) => /^ {2}[A-Z]+-\d{3} /.test(line)).map((line) => line.trim());
}
