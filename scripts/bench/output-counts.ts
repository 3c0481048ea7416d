import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** What the scaling bench counts in a synthesized output directory. */
export interface OutputCounts {
  readonly resources: number;
  /** Mesh firewall addresses plus the [Peer] sections written in the hosts stack (each once, in local.mesh_peers). */
  readonly meshEntries: number;
  readonly outputBytes: number;
}

export function countOutput(outdir: string): OutputCounts {
  const counts = readdirSync(path.join(outdir, "stacks"))
    .map((stack) => countEntries(JSON.parse(readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson))
    .reduce((sum, next) => ({ resources: sum.resources + next.resources, meshEntries: sum.meshEntries + next.meshEntries }), { resources: 0, meshEntries: 0 });
  return { ...counts, outputBytes: totalBytes(outdir) };
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
