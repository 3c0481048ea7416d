import { canonicalJson, type TerraformJson } from "../terraform-json";

/**
 * Local values change what Terraform computes for the resources that read them, while those
 * resources' own text stays the same (the hosts stack's wg0.conf files read the shared
 * `local.mesh_peers`). The review follows such reads, key by key for a map.
 */

/** Which parts of a local matter: every key of a map-valued local, or the whole value. */
export type LocalParts = "all" | ReadonlySet<string>;

export interface LocalChange {
  /** `local.<name>` */
  readonly address: string;
  /** Per changed key of a map on both sides, or the whole value (`key` undefined). */
  readonly entries: readonly { readonly key?: string; readonly before: unknown; readonly after: unknown }[];
}

/** The locals whose value differs between two syntheses of a stack, by name. */
export function planLocals(previous: TerraformJson | undefined, next: TerraformJson): LocalChange[] {
  if (previous === undefined) return [];
  const before = previous.locals ?? {};
  const after = next.locals ?? {};
  const changes: LocalChange[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const [old, value] = [before[name], after[name]];
    if (canonicalJson(old) === canonicalJson(value)) continue;
    if (!isRecord(old) || !isRecord(value)) {
      changes.push({ address: `local.${name}`, entries: [{ before: old, after: value }] });
      continue;
    }
    const keys = [...new Set([...Object.keys(old), ...Object.keys(value)])].sort();
    const entries = keys.filter((key) => canonicalJson(old[key]) !== canonicalJson(value[key])).map((key) => ({ key, before: old[key], after: value[key] }));
    changes.push({ address: `local.${name}`, entries });
  }
  return changes;
}

/** Local name -> its changed keys ("all" when not a map): what `localRead` looks for. */
export function changedParts(changes: readonly LocalChange[]): Map<string, LocalParts> {
  return new Map(
    changes.map((change) => [
      change.address.slice("local.".length),
      change.entries.some((entry) => entry.key === undefined) ? "all" : new Set(change.entries.map((entry) => entry.key as string)),
    ]),
  );
}

/** Local name -> the keys whose value contains `text` ("all" when the local is not a map). */
export function localPartsContaining(stack: TerraformJson, text: string): Map<string, LocalParts> {
  const found = new Map<string, LocalParts>();
  for (const [name, value] of Object.entries(stack.locals ?? {})) {
    if (!isRecord(value)) {
      if (canonicalJson(value).includes(text)) found.set(name, "all");
      continue;
    }
    const keys = Object.keys(value).filter((key) => canonicalJson(value[key]).includes(text));
    if (keys.length > 0) found.set(name, new Set(keys));
  }
  return found;
}

/**
 * The `local.<name>` a value reads a changing part of, if any. Any read of a changing local
 * counts, except one shape whose keys are known: `[for K, V in local.<name> : V if K != "<key>"]`
 * skips `<key>`, so a change of that key alone does not reach it.
 */
export function localRead(value: unknown, changing: ReadonlyMap<string, LocalParts>): string | undefined {
  if (changing.size === 0) return undefined;
  const text = typeof value === "string" ? value : canonicalJson(value);
  if (!text.includes("local.")) return undefined;
  for (const interpolation of text.match(/(?<!\$)\$\{[^}]*\}/g) ?? []) {
    const source = interpolation.replace(/\\"/g, '"');
    for (const match of source.matchAll(/(?<![.\w])local\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      const name = match[1] as string;
      const parts = changing.get(name);
      if (parts === undefined) continue;
      const skipped = skippedKey(source, name);
      if (parts === "all" || skipped === undefined || [...parts].some((key) => key !== skipped)) return `local.${name}`;
    }
  }
  return undefined;
}

function skippedKey(expression: string, name: string): string | undefined {
  const pattern = new RegExp(`\\[\\s*for\\s+(\\w+)\\s*,\\s*(\\w+)\\s+in\\s+local\\.${name}\\s*:\\s*\\2\\s+if\\s+\\1\\s*!=\\s*"([^"\\\\$%]*)"\\s*\\]`);
  const matches = [...expression.matchAll(new RegExp(`local\\.${name}(?![\\w-])`, "g"))];
  // Only when this is the expression's one read of the local.
  return matches.length === 1 ? pattern.exec(expression)?.[3] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
