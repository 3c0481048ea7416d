import { cpSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./synth";

/** Files an app run needs; everything else (tests, output, state) stays behind. */
const APP_FILES = ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "config", "constructs", "stacks", "cloud-init", "scripts"];

/**
 * A throwaway copy of the project (node_modules linked), to run the app or the cdktf CLI
 * exactly as a user would without touching the working tree's cdktf.out or state.
 */
export function copyProject(options: { withExample?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "project-copy-"));
  for (const name of APP_FILES) cpSync(path.join(REPO_ROOT, name), path.join(dir, name), { recursive: true });
  if (options.withExample ?? true) cpSync(path.join(REPO_ROOT, "terraform.tfvars.example"), path.join(dir, "terraform.tfvars.example"));
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}
