import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { TerraformStack, type App } from "cdktf";
import { secretKindIn } from "../config/secret-patterns";
import { takeHandedOverJson } from "../constructs/policy/aspect";
import { renderReviewHcl } from "./review-hcl";
import { reviewSynthesis, type ReviewOptions } from "./review-summary";
import { renderStackReadme, renderStackTfvarsExample } from "./stack-docs";
import type { TerraformJson } from "./terraform-json";
import { asWrittenJson } from "./written-json";

/** A stack may describe itself for its generated README. */
export interface DescribedStack {
  readonly summary: string;
  /** What ops must have or know before applying, printed in the stack's README. @default none */
  readonly applyNotes?: readonly string[];
}

/** What the command line accepts on top of the config; checks that need a user's consent read it. */
/**
 * What the command line and the config say about this synth: replacements confirmed
 * (`--allow-replace`, `allow_replace`), stacks retired on purpose (`--forget`), prices.
 */
export type SynthesisOptions = ReviewOptions;

/** The output directory cannot be published to; nothing was written. */
export class OutdirError extends Error {}

/** A file the synth produced holds what looks like a credential; nothing was written. */
export class SecretInOutputError extends Error {}

const publicValuesByApp = new WeakMap<App, readonly string[]>();

/**
 * The public key material the app's config declares (SSH and WireGuard public keys, host keys):
 * the final scan of every synthesized file treats exactly these as public.
 */
export function declarePublicValues(app: App, values: readonly string[]): void {
  publicValuesByApp.set(app, values);
}

export interface SynthesisReport {
  readonly app: App;
  readonly stackNames: readonly string[];
  /** Stack directories of an earlier synth that this one removed (`stacks/<name>`). */
  readonly removedStacks: readonly string[];
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
 * app's outdir (the local backend's state path) are the same in both. `outdir` then holds exactly
 * what this synth produced (see publish).
 */
export function synthesizeAtomically(outdir: string, build: (stagingOutdir: string) => App, options: SynthesisOptions = {}): SynthesisReport {
  const staging = stagingDirFor(outdir);
  try {
    const staged = stage(staging, outdir, build, options);
    refuseSecretsIn(staging, publicValuesByApp.get(staged.report.app) ?? []);
    return { ...staged.report, removedStacks: publish(staging, outdir) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The same, plus every stack as HCL for review in hcl/<stack>/main.tf (and as the stack's own
 * cdk.tf when the app was asked for HCL output, as `cdktf synth --hcl` does). Opt-in: the HCL
 * formatter is a second Go wasm runtime, ~0.15 s and ~40 MB more per synth (measured 2026-11-22).
 */
export async function synthesizeWithReviewHcl(outdir: string, build: (stagingOutdir: string) => App, options: SynthesisOptions = {}): Promise<SynthesisReport> {
  const staging = stagingDirFor(outdir);
  try {
    const staged = stage(staging, outdir, build, options);
    for (const stack of staged.stacks) {
      const hcl = await renderReviewHcl(stack);
      writeFile(path.join(staging, "hcl", stack.node.id, "main.tf"), hcl);
      if (staged.report.app.hclOutput) writeFile(path.join(staging, staged.manifest.stacks[stack.node.id]?.synthesizedStackPath ?? ""), hcl);
    }
    refuseSecretsIn(staging, publicValuesByApp.get(staged.report.app) ?? []);
    return { ...staged.report, removedStacks: publish(staging, outdir) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The last look before anything is published: every file of the synth (Terraform JSON or HCL,
 * stack READMEs, tfvars examples, the review HCL, the manifest) is scanned with the same
 * detectors as the config and policy SEC-001, whatever labels it. The config's own public keys
 * (`publicValues`) are public; any other key-shaped value is not.
 */
function refuseSecretsIn(staging: string, publicValues: readonly string[]): void {
  const findings: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(staging, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else {
        const kind = secretKindIn(readFileSync(path.join(staging, child), "utf8"), { publicValues });
        if (kind !== undefined) findings.push(`${child} holds what looks like a ${kind} (value not shown)`);
      }
    }
  };
  walk("");
  if (findings.length > 0) {
    throw new SecretInOutputError(`a synthesized file would hold a credential (${findings.length} file${findings.length === 1 ? "" : "s"}):\n${findings.map((line) => `  ${line}`).join("\n")}\nsecrets belong in TF_VAR_ variables; find where the value came from in the config`);
  }
}

function stagingDirFor(outdir: string): string {
  refuseUnsafeOutdir(outdir);
  const staging = path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging`);
  rmSync(staging, { recursive: true, force: true });
  return staging;
}

function stage(
  staging: string,
  outdir: string,
  build: (stagingOutdir: string) => App,
  review: ReviewOptions,
): { report: Omit<SynthesisReport, "removedStacks">; stacks: TerraformStack[]; manifest: Manifest } {
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
    const configFile = path.basename(manifest.stacks[name]?.synthesizedStackPath ?? "cdk.tf.json");
    writeFile(path.join(stackDir, "README.md"), renderStackReadme(json, { name, summary, applyNotes, dependsOn, neededBy, configFile }));
    writeFile(path.join(stackDir, "terraform.tfvars.example"), renderStackTfvarsExample(json, name));
    return { name, json, dependsOn, previous: previousSynthesis(outdir, name) };
  });
  return { report: { app, stackNames: stacks.map((stack) => stack.node.id), summary: reviewSynthesis(outdir, summaries, review, publicValuesByApp.get(app)) }, stacks, manifest };
}

/**
 * The stack as written: the JSON CDKTF was handed to write, as reading the file back would give it
 * (no second copy of the output as text), or the file itself, or resolved when it was written as HCL.
 */
function synthesizedJson(staging: string, synthesizedStackPath: string | undefined, stack: TerraformStack): TerraformJson {
  const handedOver = takeHandedOverJson(stack);
  if (synthesizedStackPath?.endsWith(".json") !== true) return (handedOver ?? stack.toTerraform()) as TerraformJson;
  if (handedOver !== undefined) return asWrittenJson(handedOver) as TerraformJson;
  return JSON.parse(readFileSync(path.join(staging, synthesizedStackPath), "utf8")) as TerraformJson;
}

/**
 * Files Terraform or ops put into a stack directory, kept when that stack is synthesized again:
 * the provider cache and lock file of `terraform init`, the files `terraform apply` renders
 * (`rendered/`: local_file resources in state point at them), an operator's variable values, and
 * any state file (our backends keep state outside `outdir`, but state is never deleted).
 */
const OPERATOR_FILES = /^(\.terraform|\.terraform\.lock\.hcl|rendered|terraform\.tfvars|.*\.auto\.tfvars|.*\.tfstate|.*\.tfstate\.backup)$/;
const STATE_FILE = /\.tfstate(\.backup)?$/;

/**
 * Makes `outdir` hold exactly what `staging` holds: files and directories of an earlier synth
 * that this one did not produce are removed (a stack no longer synthesized, cdk.tf.json after an
 * HCL synth or the reverse, a stale hcl/ review copy), except the operator files above inside a
 * stack directory that is still synthesized. A stack directory that is gone is removed whole
 * unless it holds a state file. Returns the stack directories removed.
 */
function publish(staging: string, outdir: string): string[] {
  mkdirSync(outdir, { recursive: true });
  const removedStacks: string[] = [];
  const prune = (relative: string): void => {
    for (const entry of readdirSync(path.join(outdir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (!entry.isDirectory() && STATE_FILE.test(entry.name)) continue;
      const produced = existsSync(path.join(staging, child));
      if (produced && entry.isDirectory()) prune(child);
      if (produced || (OPERATOR_FILES.test(entry.name) && existsSync(path.join(staging, relative)) && relative !== "")) continue;
      if (entry.isDirectory() && holdsState(path.join(outdir, child))) {
        prune(child);
        continue;
      }
      if (path.dirname(child) === "stacks" && entry.isDirectory()) removedStacks.push(child);
      rmSync(path.join(outdir, child), { recursive: true, force: true });
    }
  };
  prune("");
  moveInto(staging, outdir, "");
  return removedStacks.sort();
}

/**
 * Moves every staged file to its place in `outdir`. The staging directory sits beside `outdir`,
 * so each move is normally a rename on one file system: no file is copied, and no reader ever
 * sees a half-written file. An entry of `outdir` whose kind differs from the staged one (a file where
 * a directory is staged, or the reverse) is replaced.
 */
function moveInto(staging: string, outdir: string, relative: string): void {
  for (const entry of readdirSync(path.join(staging, relative), { withFileTypes: true })) {
    const child = path.join(relative, entry.name);
    const target = path.join(outdir, child);
    const existing = kindOf(target);
    if (existing !== undefined && existing !== (entry.isDirectory() ? "directory" : "file")) rmSync(target, { recursive: true, force: true });
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      moveInto(staging, outdir, child);
    } else {
      moveFile(path.join(staging, child), target);
    }
  }
}

/** A rename, or a copy when `outdir` is a mount point of its own (a volume or bind mount: EXDEV). */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    copyFileSync(from, to);
  }
}

function kindOf(file: string): "file" | "directory" | undefined {
  try {
    return lstatSync(file).isDirectory() ? "directory" : "file";
  } catch {
    return undefined;
  }
}

function holdsState(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) => (entry.isDirectory() ? holdsState(path.join(dir, entry.name)) : STATE_FILE.test(entry.name)));
}

/**
 * Publishing deletes what an earlier synth left in `outdir`: refuse a directory that holds the
 * working directory, and a non-empty directory that no synth wrote (no manifest.json).
 */
function refuseUnsafeOutdir(outdir: string): void {
  const absolute = path.resolve(outdir);
  const relativeCwd = path.relative(absolute, process.cwd());
  if (relativeCwd === "" || !relativeCwd.startsWith("..")) {
    throw new OutdirError(`the output directory ${outdir} holds the working directory; set CDKTF_OUTDIR to a directory of its own, such as cdktf.out`);
  }
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
    throw new OutdirError(`the output directory ${outdir} is a file; set CDKTF_OUTDIR to a directory, such as cdktf.out`);
  }
  if (existsSync(absolute) && readdirSync(absolute).length > 0 && !existsSync(path.join(absolute, "manifest.json"))) {
    throw new OutdirError(`the output directory ${outdir} is not empty and holds no manifest.json, so no synth wrote it; its files would be deleted: choose another CDKTF_OUTDIR or empty it`);
  }
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
