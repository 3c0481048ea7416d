import { spawnSync } from "node:child_process";
import { withProviderHost } from "./provider-hosts";

export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `terraform <args>` in `cwd`; never interactive, never coloured; emulator runs reattach to a provider host. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): TerraformResult {
  const started = process.hrtime.bigint();
  const result = spawnSync("terraform", [...args], { cwd, env: withProviderHost(args, cwd, env), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr, seconds };
}

/** Whether a terraform binary is on PATH (tests skip loudly, or fail on CI, without it). */
export function terraformVersion(): string | undefined {
  const result = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
}

/** "Plan: 3 to add, 0 to change, 0 to destroy." / "No changes." -> counts. */
export function planCounts(output: string): { add: number; change: number; destroy: number } | undefined {
  if (/No changes\./.test(output)) return { add: 0, change: 0, destroy: 0 };
  const match = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(output);
  if (match === null) return undefined;
  return { add: Number(match[1]), change: Number(match[2]), destroy: Number(match[3]) };
}
