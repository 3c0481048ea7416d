import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./synth";

/** The variables `tf:env` exports. */
export const TF_ENV_NAMES = ["TF_CLI_CONFIG_FILE", "TF_DISABLE_PLUGIN_TLS", "CHECKPOINT_DISABLE", "OFFLINE_TF_HOME", "OFFLINE_TF_STORE"] as const;

/**
 * Runs `tf:env` as its documentation says (`eval "$(... tf:env -- --store FILE)"` in a shell,
 * from `cwd`) and returns what the shell then holds. `home` is the emulator home to build.
 */
export function evalTfEnv(cwd: string, home: string, args: readonly string[]): Record<string, string> {
  const script = `eval "$(node "$0" "$@")" && for name in ${TF_ENV_NAMES.join(" ")}; do printf '%s=%s\\n' "$name" "$(printenv "$name")"; done`;
  const result = spawnSync("bash", ["-c", script, path.join(REPO_ROOT, "scripts", "tf-env.js"), ...args], {
    cwd,
    env: { ...process.env, OFFLINE_TF_HOME: home, INIT_CWD: cwd },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`tf:env failed (${String(result.status)}): ${result.stderr}`);
  return Object.fromEntries(result.stdout.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}
