import { spawn, spawnSync } from "node:child_process";

/** The terraform binary on PATH, or undefined. */
export function findTerraform(): string | undefined {
  const found = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return found.status === 0 ? "terraform" : undefined;
}

/**
 * `describe` when terraform is available; otherwise a loud skip locally, and a failing test
 * under CI=true (a CI machine without terraform must not pass silently).
 */
export function describeWithTerraform(name: string, body: () => void): void {
  if (findTerraform() !== undefined) {
    describe(name, body);
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs the terraform binary, which CI must provide", () => {
        throw new Error("terraform is not on PATH (CI=true: failing instead of skipping)");
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${name}": terraform is not on PATH ***\n`);
  describe.skip(name, body);
}

/**
 * Runs terraform offline (no checkpoint calls, no user CLI config). Asynchronous on purpose: a
 * server it talks to may live in this same process (spawnSync would block its event loop).
 */
export function terraform(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args], {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
