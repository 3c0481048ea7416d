import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { TerraformStack, type App } from "cdktf";
import { renderReviewHcl } from "./review-hcl";
import { reviewSynthesis, type ReviewOptions } from "./review-summary";
import { renderStackReadme, renderStackTfvarsExample } from "./stack-docs";
import type { TerraformJson } from "./terraform-json";

/** A stack may describe itself for its generated README. */
export interface DescribedStack {
  readonly summary: string;
  /** What ops must have or know before applying, printed in the stack's README. @default none */
  readonly applyNotes?: readonly string[];
}

export interface SynthesisReport {
  readonly app: App;
  readonly stackNames: readonly string[];
  /** One review block per stack, in dependency order (see review-summary.ts). */
  readonly summary: string;
}

interface Manifest {
  readonly stacks: Record<string, { readonly dependencies: readonly string[]; readonly synthesizedStackPath: string }>;
}

/**
 * Synthesizes into a sibling staging directory, adds what ops need next to each stack
 * (README.md, terraform.tfvars.example) and copies the result over `outdir` only when everything
 * succeeded: an error while building, synthesizing or documenting leaves `outdir` untouched. The
 * staging directory sits at the same depth as `outdir`, so relative paths computed from the
 * app's outdir (the local backend's state path) are the same in both. Files in `outdir` that are
 * not regenerated (`.terraform/`) are kept.
 */
export function synthesizeAtomically(outdir: string, build: (stagingOutdir: string) => App, review: ReviewOptions = {}): SynthesisReport {
  const staging = stagingDirFor(outdir);
  try {
    const staged = stage(staging, outdir, build, review);
    publish(staging, outdir);
    return staged.report;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The same, plus every stack as HCL for review in hcl/<stack>/main.tf (and as the stack's own
 * cdk.tf when the app was asked for HCL output, as `cdktf synth --hcl` does). Opt-in: the HCL
 * formatter is a second Go wasm runtime, ~0.15 s and ~40 MB more per synth (README, Performance).
 */
export async function synthesizeWithReviewHcl(outdir: string, build: (stagingOutdir: string) => App, review: ReviewOptions = {}): Promise<SynthesisReport> {
  const staging = stagingDirFor(outdir);
  try {
    const staged = stage(staging, outdir, build, review);
    for (const stack of staged.stacks) {
      const hcl = await renderReviewHcl(stack);
      writeFile(path.join(staging, "hcl", stack.node.id, "main.tf"), hcl);
      if (staged.report.app.hclOutput) writeFile(path.join(staging, staged.manifest.stacks[stack.node.id]?.synthesizedStackPath ?? ""), hcl);
    }
    publish(staging, outdir);
    return staged.report;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function stagingDirFor(outdir: string): string {
  const staging = path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging`);
  rmSync(staging, { recursive: true, force: true });
  return staging;
}

function stage(staging: string, outdir: string, build: (stagingOutdir: string) => App, review: ReviewOptions): { report: SynthesisReport; stacks: TerraformStack[]; manifest: Manifest } {
  const app = build(staging);
  app.synth();
  const manifest = JSON.parse(readFileSync(path.join(staging, "manifest.json"), "utf8")) as Manifest;
  const stacks = orderByDependencies(app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack), manifest);
  const summaries = stacks.map((stack) => {
    const name = stack.node.id;
    const json = synthesizedJson(staging, manifest.stacks[name]?.synthesizedStackPath, stack);
    const dependsOn = manifest.stacks[name]?.dependencies ?? [];
    const neededBy = Object.entries(manifest.stacks).filter(([, entry]) => entry.dependencies.includes(name)).map(([other]) => other);
    const stackDir = path.join(staging, "stacks", name);
    const { summary = "", applyNotes = [] } = stack as Partial<DescribedStack>;
    writeFile(path.join(stackDir, "README.md"), renderStackReadme(json, { name, summary, applyNotes, dependsOn, neededBy }));
    writeFile(path.join(stackDir, "terraform.tfvars.example"), renderStackTfvarsExample(json, name));
    return { name, json, dependsOn, previous: previousSynthesis(outdir, name) };
  });
  return { report: { app, stackNames: stacks.map((stack) => stack.node.id), summary: reviewSynthesis(outdir, summaries, review) }, stacks, manifest };
}

/** The stack as written (cheaper than resolving it again), or resolved when it was written as HCL. */
function synthesizedJson(staging: string, synthesizedStackPath: string | undefined, stack: TerraformStack): TerraformJson {
  if (synthesizedStackPath?.endsWith(".json") === true) return JSON.parse(readFileSync(path.join(staging, synthesizedStackPath), "utf8")) as TerraformJson;
  return stack.toTerraform() as TerraformJson;
}

function publish(staging: string, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  cpSync(staging, outdir, { recursive: true, force: true });
}

function orderByDependencies(stacks: readonly TerraformStack[], manifest: Manifest): TerraformStack[] {
  const ordered: TerraformStack[] = [];
  const visit = (stack: TerraformStack): void => {
    if (ordered.includes(stack)) return;
    for (const dependency of manifest.stacks[stack.node.id]?.dependencies ?? []) {
      const upstream = stacks.find((candidate) => candidate.node.id === dependency);
      if (upstream !== undefined) visit(upstream);
    }
    ordered.push(stack);
  };
  stacks.forEach(visit);
  return ordered;
}

function previousSynthesis(outdir: string, stackName: string): TerraformJson | undefined {
  const file = path.join(outdir, "stacks", stackName, "cdk.tf.json");
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
  } catch {
    return undefined;
  }
}

function writeFile(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}
