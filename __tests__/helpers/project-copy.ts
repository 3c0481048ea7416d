import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./synth";

/** Files an app run needs; everything else (tests, output, state) stays behind. */
const APP_FILES = ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "config", "constructs", "stacks", "cloud-init", "scripts"];

/**
 * The working tree's bundles and their stamps (.build/*.js, *.stamp.json; not the code or parse
 * caches, which a copy writes itself). The stamp decides, in the copy, whether a bundle still
 * matches the copy's sources: if it does, the copy skips a build, else it builds as a clone would.
 */
const BUILT_BUNDLE = /\.js$|\.js\.stamp\.json$/;

/**
 * A throwaway copy of the project (node_modules linked), to run the app or the cdktf CLI
 * exactly as a user would without touching the working tree's cdktf.out or state.
 */
export function copyProject(options: { withExample?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "project-copy-"));
  for (const name of APP_FILES) cpSync(path.join(REPO_ROOT, name), path.join(dir, name), { recursive: true });
  const built = path.join(REPO_ROOT, ".build");
  if (existsSync(built)) {
    mkdirSync(path.join(dir, ".build"));
    for (const entry of readdirSync(built, { withFileTypes: true })) {
      if (entry.isFile() && BUILT_BUNDLE.test(entry.name)) copyFileSync(path.join(built, entry.name), path.join(dir, ".build", entry.name));
    }
  }
  if (options.withExample ?? true) cpSync(path.join(REPO_ROOT, "terraform.tfvars.example"), path.join(dir, "terraform.tfvars.example"));
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in a project copy; the test runner's own CDKTF_OUTDIR never leaks in. */
function runInCopy(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): ProcessRun {
  const { CDKTF_OUTDIR: _ignored, ...inherited } = process.env;
  const result = spawnSync(command, [...args], { cwd, encoding: "utf8", env: { ...inherited, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the app as `npm run synth` does, in a project copy. */
export function runApp(cwd: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): ProcessRun {
  return runInCopy(cwd, process.execPath, ["scripts/run-app.js", ...args], env);
}

/** Runs the real cdktf CLI in a project copy, offline and without colours. */
export function runCdktf(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ProcessRun {
  return runInCopy(cwd, path.join(cwd, "node_modules", ".bin", "cdktf"), args, { CI: "true", CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ...env });
}
