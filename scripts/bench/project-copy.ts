import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** What an app run needs (as in __tests__/helpers/project-copy.ts); output and state stay behind. */
const APP_FILES = ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "terraform.tfvars.example", "config", "constructs", "stacks", "cloud-init", "scripts"];

/**
 * A throwaway copy of the project with node_modules linked, so runs never touch the working
 * tree's cdktf.out or state. Timestamps are kept: the copy's sources are as old as the
 * originals, so the app runner's build stamp (scripts/cached-bundle.js) holds from the first run.
 */
export function copyProject(root: string, label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `bench-${label}-`));
  for (const name of APP_FILES) cpSync(path.join(root, name), path.join(dir, name), { recursive: true, preserveTimestamps: true });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export function removeCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
