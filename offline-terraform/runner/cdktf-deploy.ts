import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { terraformEnvironment, type EmulatorHome } from "../emulator-home";
import { placeholderVariables } from "./offline-run";
import { stacksInDependencyOrder } from "./stack-order";

/** What `cdktf deploy` needs of the project: the app, its config, the installed packages. */
const PROJECT_FILES = ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "config", "constructs", "stacks", "cloud-init", "scripts", "terraform.tfvars", "terraform.tfvars.example"];

/**
 * Runs the real `cdktf deploy` (synth + init + apply of every stack, in dependency order)
 * against the emulator, in a scratch copy of the project so state stays out of the project;
 * `store` is the (scratch) fake cloud it applies into.
 * `--skip-provider-lock` is required: cdktf otherwise runs `terraform providers lock`, which
 * asks the registry itself and ignores the CLI config's filesystem mirror.
 */
export function cdktfDeploy(projectRoot: string, workRoot: string, emulator: EmulatorHome, store: string): { status: number; seconds: number } {
  rmSync(workRoot, { recursive: true, force: true });
  mkdirSync(workRoot, { recursive: true });
  for (const name of PROJECT_FILES) {
    if (existsSync(path.join(projectRoot, name))) cpSync(path.join(projectRoot, name), path.join(workRoot, name), { recursive: true });
  }
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(workRoot, "node_modules"), "dir");
  withoutMeshSyncs(workRoot);
  const started = Date.now();
  // Synthesize once first, only to learn the stacks' input variables (placeholders below).
  const synth = spawnSync(process.execPath, [path.join("scripts", "run-app.js")], { cwd: workRoot, stdio: "inherit" });
  if (synth.status !== 0) return { status: synth.status ?? 1, seconds: (Date.now() - started) / 1000 };
  const outdir = path.join(workRoot, "cdktf.out");
  const variables = Object.assign({}, ...stacksInDependencyOrder(outdir).map((stack) => placeholderVariables(path.join(outdir, stack.workingDirectory)))) as Record<string, string>;
  const cdktf = path.join(projectRoot, "node_modules", ".bin", "cdktf");
  const result = spawnSync(cdktf, ["deploy", "--skip-provider-lock", "--auto-approve", "*"], {
    cwd: workRoot,
    env: { ...terraformEnvironment(emulator, process.env, store), ...variables, CI: "true" },
    stdio: "inherit",
  });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

/**
 * `cdktf deploy` applies what it synthesizes, so the hosts stack's SSH provisioners cannot be
 * stripped from its output as the plain-Terraform path does. Instead the scratch config drops
 * every wireguard_public_key: members then count as not booted yet, and get no sync.
 */
function withoutMeshSyncs(workRoot: string): void {
  const configFile = ["terraform.tfvars", "terraform.tfvars.example"].map((name) => path.join(workRoot, name)).find((file) => existsSync(file));
  if (configFile === undefined) return;
  const source = readFileSync(configFile, "utf8");
  const kept = source.split("\n").filter((line) => !/^\s*wireguard_public_key\s*=/.test(line));
  if (kept.length === source.split("\n").length) return;
  writeFileSync(path.join(workRoot, "terraform.tfvars"), kept.join("\n"));
  console.log("offline: mesh members' public keys left out of the scratch config, so no SSH sync runs (no real host to reach)");
}
