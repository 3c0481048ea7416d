import { readFileSync } from "node:fs";
import * as path from "node:path";

export interface ManifestStack {
  readonly name: string;
  /** Relative to the outdir. */
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

/**
 * Every stack in `<outdir>/manifest.json`, upstream stacks before the stacks that depend on
 * them (the order `cdktf deploy` uses). Nothing is hard-coded: new stacks are picked up.
 */
export function stacksInDependencyOrder(outdir: string): ManifestStack[] {
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, ManifestStack> };
  const byName = new Map(Object.values(manifest.stacks).map((stack) => [stack.name, stack]));
  const ordered: ManifestStack[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    const stack = byName.get(name);
    if (stack === undefined) throw new Error(`manifest.json: unknown stack dependency "${name}"`);
    if (ordered.includes(stack)) return;
    if (visiting.has(name)) throw new Error(`manifest.json: dependency cycle through "${name}"`);
    visiting.add(name);
    for (const dependency of stack.dependencies) visit(dependency);
    ordered.push(stack);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

/** Stacks some other stack depends on: their state must exist before dependents can plan. */
export function upstreamStackNames(stacks: readonly ManifestStack[]): Set<string> {
  return new Set(stacks.flatMap((stack) => stack.dependencies));
}
