import { stripProvisioners } from "../offline-terraform/runner/provisioners";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { terraform } from "../offline-terraform/runner/terraform-process";
import type { TerraformStack } from "cdktf";
import { buildApp } from "../stacks/app";
import { renderReviewHcl } from "../stacks/review-hcl";
import { exampleConfig, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";

/** The variables a stack's generated terraform.tfvars.example asks for, "filled in" with placeholders. */
function fillInTfvarsExample(stackDir: string): Record<string, string> {
  const example = readFileSync(path.join(stackDir, "terraform.tfvars.example"), "utf8");
  return Object.fromEntries([...example.matchAll(/^# export (TF_VAR_[a-z0-9_]+)="\.\.\."/gm)].map((match) => [match[1]!, "handoff-placeholder"]));
}

function run(args: string[], cwd: string, variables: Record<string, string>): { status: number; output: string } {
  const result = terraform([...args, "-no-color"], cwd, { ...terraformEnvironment(testEmulator()), ...variables });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describeWithTerraform("a stack directory handed to ops, copied elsewhere", () => {
  let synth: SynthResult;

  beforeAll(async () => {
    synth = synthApp(await exampleConfig());
  });

  afterAll(() => cleanUpTerraformRuns([synth]));

  it("initializes and plans on its own with only its tfvars example filled in", () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), "handoff-")), "a", "b", "main-production");
    cpSync(path.join(synth.outdir, "stacks", "main-production"), copy, { recursive: true });
    const variables = fillInTfvarsExample(copy);
    expect(Object.keys(variables)).toEqual(["TF_VAR_do_token"]);
    expect(run(["init", "-input=false"], copy, variables).status).toBe(0);
    const plan = run(["plan", "-input=false"], copy, variables);
    expect(plan.output).toContain("Plan: 18 to add, 0 to change, 0 to destroy.");
    expect(plan.status).toBe(0);
  }, 180_000);

  it("plans a dependent stack once its upstream stack, copied alongside, is applied", () => {
    const stacksDir = path.join(mkdtempSync(path.join(tmpdir(), "handoff-")), "x", "stacks");
    for (const stack of ["main-production", "data-production"]) {
      cpSync(path.join(synth.outdir, "stacks", stack), path.join(stacksDir, stack), { recursive: true });
    }
    const main = path.join(stacksDir, "main-production");
    const data = path.join(stacksDir, "data-production");
    // The droplet's deploy-keys sync would SSH to a real server: the fake cloud applies the resource only.
    stripProvisioners(main);
    expect(run(["init", "-input=false"], main, fillInTfvarsExample(main)).status).toBe(0);
    expect(run(["apply", "-auto-approve", "-input=false"], main, fillInTfvarsExample(main)).output).toContain("Apply complete! Resources: 18 added");
    const variables = fillInTfvarsExample(data);
    expect(Object.keys(variables).sort()).toEqual(["TF_VAR_do_token", "TF_VAR_spaces_access_id", "TF_VAR_spaces_secret_key"]);
    expect(run(["init", "-input=false"], data, variables).status).toBe(0);
    const plan = run(["plan", "-input=false"], data, variables);
    expect(plan.output).toContain("Plan: 7 to add, 0 to change, 0 to destroy.");
  }, 240_000);

  it("is equally valid to Terraform core as HCL: the review copy plans the same", async () => {
    const app = buildApp(await exampleConfig(), { outdir: path.join(synth.root, "hcl-app") });
    const stack = app.node.children.find((child) => child.node.id === "main-production") as TerraformStack;
    const root = path.join(mkdtempSync(path.join(tmpdir(), "handoff-hcl-")), "a", "b", "main-production");
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, "main.tf"), await renderReviewHcl(stack));
    const variables = { TF_VAR_do_token: "handoff-placeholder" };
    expect(run(["init", "-input=false"], root, variables).status).toBe(0);
    const plan = run(["plan", "-input=false"], root, variables);
    expect(plan.output).toContain("Plan: 18 to add, 0 to change, 0 to destroy.");
  }, 180_000);
});
