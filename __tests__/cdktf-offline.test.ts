import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { copyProject } from "./helpers/project-copy";
import { REPO_ROOT } from "./helpers/synth";

const GUARD = path.join(__dirname, "fixtures", "network-guard.js");
const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Runs a shell command in a project copy with every node process's TCP connections recorded and refused. */
function runGuarded(dir: string, command: string): { status: number | null; connections: string[]; output: string } {
  const log = path.join(mkdtempSync(path.join(tmpdir(), "network-guard-")), "connections");
  const { CHECKPOINT_DISABLE: _checkpoint, DISABLE_VERSION_CHECK: _version, CDKTF_OUTDIR: _outdir, ...inherited } = process.env;
  const result = spawnSync("sh", ["-c", command], {
    cwd: dir,
    encoding: "utf8",
    env: { ...inherited, PATH: `${path.join(dir, "node_modules", ".bin")}:${process.env.PATH ?? ""}`, NODE_OPTIONS: `--require ${GUARD}`, NETWORK_GUARD_LOG: log, CI: "true", FORCE_COLOR: "0" },
  });
  const connections = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
  return { status: result.status, connections, output: result.stdout + result.stderr };
}

describe("cdktf synth through the CLI", () => {
  it("reaches no network service when run as the npm script cdktf:synth does", () => {
    const dir = copyProject();
    const result = runGuarded(dir, scripts["cdktf:synth"] ?? "missing script");
    expect({ status: result.status, connections: result.connections }).toEqual({ status: 0, connections: [] });
    expect(existsSync(path.join(dir, "cdktf.out", "stacks", "main-production", "cdk.tf.json"))).toBe(true);
  }, 180_000);

  it("calls HashiCorp's checkpoint service without CHECKPOINT_DISABLE (so the guard above can see a call)", () => {
    const result = runGuarded(copyProject(), "cdktf synth");
    expect(result.connections).toContain("checkpoint-api.hashicorp.com:443");
  }, 180_000);
});
