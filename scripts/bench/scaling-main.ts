import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseConfigSource } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { synthesizeAtomically } from "../../stacks/synthesize";
import { exampleWithOvhHosts } from "./app-hosts";

/** What is scaled: the real app, the example config plus N generated OVH mesh members. */
export type ScalingSubject = "app";

/** What the child reports to the bench on its last stdout line. */
export interface ScalingChildReport {
  readonly hosts: number;
  readonly meshStyle: ScalingSubject;
  /** The synthesized output, in a temporary directory the bench counts and then removes. */
  readonly outdir: string;
  /** In-process phases: config load (HCL parse + validation), construct tree, synth to disk. */
  readonly configMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  /** CPU of this process (all its threads, GC included) while building and synthesizing. */
  readonly buildSynthCpuMs: number;
}

/** The child's report with what the bench counted in the output. */
export interface ScalingRunReport extends Omit<ScalingChildReport, "outdir"> {
  readonly resources: number;
  /** Mesh firewall addresses plus the [Peer] sections written in the hosts stack (each once, in local.mesh_peers). */
  readonly meshEntries: number;
  readonly outputBytes: number;
}

/**
 * Child process of the scaling benchmark:
 * `node --liftoff-only --max-semi-space-size=2 scaling-main.js <hosts> app <project root>`.
 * Builds the real app from the shipped example config with N more OVH mesh members and
 * synthesizes it into a temporary directory, then prints a ScalingChildReport as JSON. Counting
 * what it wrote (reading 20 MB of JSON back at 500 members) is the bench's work, not the
 * synth's: the bench does it after this process has ended, so it is not in its time or peak.
 */
async function main(argv: readonly string[]): Promise<void> {
  const hostCount = Number(argv[0]);
  const meshStyle = argv[1];
  const projectRoot = argv[2];
  if (!Number.isInteger(hostCount) || hostCount < 1 || meshStyle !== "app" || projectRoot === undefined) {
    throw new Error("usage: scaling-main.js <hosts> app <project root>");
  }
  const started = performance.now();
  const exampleFile = path.join(projectRoot, "terraform.tfvars.example");
  const config = await parseConfigSource(exampleWithOvhHosts(readFileSync(exampleFile, "utf8"), hostCount), "terraform.tfvars");
  const loaded = performance.now();
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-scaling-"));
  const outdir = path.join(scratch, "cdktf.out");
  const cpuBefore = process.cpuUsage();
  let built = loaded;
  try {
    synthesizeAtomically(outdir, (staging) => {
      const app = buildApp(config, { outdir: staging, projectRoot: scratch, onPolicyNotice: () => undefined });
      built = performance.now();
      return app;
    });
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  const synthesized = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const report: ScalingChildReport = {
    hosts: hostCount,
    meshStyle,
    outdir,
    configMs: loaded - started,
    buildMs: built - loaded,
    synthMs: synthesized - built,
    buildSynthCpuMs: (cpu.user + cpu.system) / 1000,
  };
  console.log(JSON.stringify(report));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
