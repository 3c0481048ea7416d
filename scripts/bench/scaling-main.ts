import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseConfigSource } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { synthesizeAtomically } from "../../stacks/synthesize";
import { exampleWithOvhHosts } from "./app-hosts";

/** What is scaled: the real app, the example config plus N generated OVH mesh members. */
export type ScalingSubject = "app";

/** What the child reports to the bench on its last stdout line. */
export interface ScalingRunReport {
  readonly hosts: number;
  readonly meshStyle: ScalingSubject;
  readonly resources: number;
  /** Mesh firewall addresses plus the [Peer] sections written in the hosts stack (each once, in local.mesh_peers). */
  readonly meshEntries: number;
  readonly outputBytes: number;
  /** In-process phases: config load (HCL parse + validation), construct tree, synth to disk. */
  readonly configMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  /** CPU of this process (all its threads, GC included) while building and synthesizing. */
  readonly buildSynthCpuMs: number;
}

/**
 * Child process of the scaling benchmark:
 * `node --liftoff-only scaling-main.js <hosts> app <project root>`.
 * Builds the real app from the shipped example config with N more OVH mesh members and
 * synthesizes it into a temporary directory, then prints a ScalingRunReport as JSON.
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
  try {
    const outdir = path.join(scratch, "cdktf.out");
    const cpuBefore = process.cpuUsage();
    let built = loaded;
    synthesizeAtomically(outdir, (staging) => {
      const app = buildApp(config, { outdir: staging, projectRoot: scratch, onPolicyNotice: () => undefined });
      built = performance.now();
      return app;
    });
    const synthesized = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const stackDirs = readdirSync(path.join(outdir, "stacks"));
    const counts = stackDirs
      .map((stack) => countEntries(JSON.parse(readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson))
      .reduce((sum, next) => ({ resources: sum.resources + next.resources, meshEntries: sum.meshEntries + next.meshEntries }), { resources: 0, meshEntries: 0 });
    const report: ScalingRunReport = {
      hosts: hostCount,
      meshStyle,
      ...counts,
      outputBytes: totalBytes(outdir),
      configMs: loaded - started,
      buildMs: built - loaded,
      synthMs: synthesized - built,
      buildSynthCpuMs: (cpu.user + cpu.system) / 1000,
    };
    console.log(JSON.stringify(report));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface TerraformJson {
  readonly locals?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

function countEntries(stack: TerraformJson): { resources: number; meshEntries: number } {
  const blocks = [...Object.values(stack.resource ?? {}), ...Object.values(stack.data ?? {})];
  const resources = blocks.reduce((sum, group) => sum + Object.keys(group).length, 0);
  let meshEntries = 0;
  for (const firewall of Object.values(stack.resource?.digitalocean_firewall ?? {})) {
    const rules = [...asArray(firewall.inbound_rule), ...asArray(firewall.outbound_rule)] as { port_range?: string; source_addresses?: unknown[]; destination_addresses?: unknown[] }[];
    for (const rule of rules) if (rule.port_range === "51820") meshEntries += (rule.source_addresses ?? rule.destination_addresses ?? []).length;
  }
  for (const peers of Object.values(stack.resource?.null_resource ?? {})) {
    const list = (peers.triggers as { peers?: string } | undefined)?.peers ?? "";
    meshEntries += list.includes(" ") ? list.split("\n").length : 0; // not a digest of the shared set
  }
  // The real app: each [Peer] section once, in the hosts stack's local; any section written into a wg0.conf counts too.
  const sections = stack.locals?.mesh_peers;
  meshEntries += Array.isArray(sections) ? sections.length : sections !== null && typeof sections === "object" ? Object.keys(sections).length : 0;
  for (const file of Object.values(stack.resource?.local_file ?? {})) meshEntries += (String(file.content).match(/^\[Peer\]$/gm) ?? []).length;
  return { resources, meshEntries };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function totalBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const full = path.join(dir, name);
    const stat = statSync(full);
    return sum + (stat.isDirectory() ? totalBytes(full) : stat.size);
  }, 0);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
