import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { terraformEnvironment, type EmulatorHome } from "../emulator-home";
import { placeholderVariables } from "./offline-run";
import { stacksInDependencyOrder } from "./stack-order";

/** What `cdktf deploy` needs of the project: the app, its config, the installed packages. */
const PROJECT_FILES = ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "config", "constructs", "stacks", "cloud-init", "scripts", "terraform.tfvars", "terraform.tfvars.example"];

/**
 * Runs the real `cdktf deploy` (synth + init + apply of every stack, in dependency order)
 * against the emulator, in a scratch copy of the project so state stays out of the project.
 * `--skip-provider-lock` is required: cdktf otherwise runs `terraform providers lock`, which
 * asks the registry itself and ignores the CLI config's filesystem mirror.
 */
export function cdktfDeploy(projectRoot: string, workRoot: string, emulator: EmulatorHome): { status: number; seconds: number } {
  rmSync(workRoot, { recursive: true, force: true });
  mkdirSync(workRoot, { recursive: true });
  for (const name of PROJECT_FILES) {
    if (existsSync(path.join(projectRoot, name))) cpSync(path.join(projectRoot, name), path.join(workRoot, name), { recursive: true });
  }
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(workRoot, "node_modules"), "dir");
  const started = Date.now();
  // Synthesize once first, only to learn the stacks' input variables (placeholders below).
  const synth = spawnSync(process.execPath, [path.join("scripts", "run-app.js")], { cwd: workRoot, stdio: "inherit" });
  if (synth.status !== 0) return { status: synth.status ?? 1, seconds: (Date.now() - started) / 1000 };
  const outdir = path.join(workRoot, "cdktf.out");
  const variables = Object.assign({}, ...stacksInDependencyOrder(outdir).map((stack) => placeholderVariables(path.join(outdir, stack.workingDirectory)))) as Record<string, string>;
  const cdktf = path.join(projectRoot, "node_modules", ".bin", "cdktf");
  const result = spawnSync(cdktf, ["deploy", "--skip-provider-lock", "--auto-approve", "*"], {
    cwd: workRoot,
    env: { ...terraformEnvironment(emulator), ...variables, CI: "true" },
    stdio: "inherit",
  });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}
