import { canonicalJson } from "../terraform-json";

/** One difference between two configurations of a resource, at a path such as `inbound_rule[1].port_range`. */
export interface ValueChange {
  readonly path: string;
  /** The top-level argument the path starts with. */
  readonly argument: string;
  /** Absent (undefined) when the element or key was added. */
  readonly before: unknown;
  /** Absent (undefined) when the element or key was removed. */
  readonly after: unknown;
}

/**
 * Element-wise differences between two resource bodies: nested blocks key by key, lists of
 * blocks element by element, lists of plain values as removed and added elements.
 */
export function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): ValueChange[] {
  const changes: ValueChange[] = [];
  for (const key of unionOfKeys(before, after)) collect(key, key, before[key], after[key], changes);
  return changes;
}

function collect(argument: string, path: string, before: unknown, after: unknown, out: ValueChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    if ([...before, ...after].every(isScalar)) {
      const kept = new Set(after.map((item) => canonicalJson(item)));
      const had = new Set(before.map((item) => canonicalJson(item)));
      before.filter((item) => !kept.has(canonicalJson(item))).forEach((item) => out.push({ argument, path, before: item, after: undefined }));
      after.filter((item) => !had.has(canonicalJson(item))).forEach((item) => out.push({ argument, path, before: undefined, after: item }));
      if (kept.size === had.size && [...kept].every((item) => had.has(item))) out.push({ argument, path: `${path} (order)`, before, after });
      return;
    }
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) collect(argument, `${path}[${index}]`, before[index], after[index], out);
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    for (const key of unionOfKeys(before, after)) collect(argument, `${path}.${key}`, before[key], after[key], out);
    return;
  }
  out.push({ argument, path, before, after });
}

function unionOfKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
