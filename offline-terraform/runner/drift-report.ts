/** One entry of `resource_drift` in `terraform show -json` of a refresh-only plan. */
export interface ResourceDrift {
  readonly address: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: unknown;
    readonly after: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
  };
}

const LONGEST_VALUE = 120;

/**
 * What changed outside Terraform, for people: the resource, then one line per changed
 * attribute, `path: old -> new`. Nested objects are followed key by key; a list of blocks
 * (a firewall's rules) element by element, the changed element named by its place before the
 * change. Values the provider marks sensitive are never printed.
 */
export function describeDrift(drift: ResourceDrift): string[] {
  const { before, after } = drift.change;
  if (after === null || after === undefined) return [`- ${drift.address}: deleted outside Terraform`];
  const lines = attributeChanges(before, after, "", { before: drift.change.before_sensitive, after: drift.change.after_sensitive });
  return [`~ ${drift.address}: changed outside Terraform`, ...lines.map((line) => `    ${line}`)];
}

interface Sensitivity {
  readonly before: unknown;
  readonly after: unknown;
}

function attributeChanges(before: unknown, after: unknown, path: string, sensitive: Sensitivity): string[] {
  if (sameValue(before, after)) return [];
  if (sensitive.before === true || sensitive.after === true) return [`${path}: (sensitive value changed)`];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => attributeChanges(before[key] ?? null, after[key] ?? null, path === "" ? key : `${path}.${key}`, child(sensitive, key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].every(isRecord)) {
    const removed = before.map((item, index) => ({ item, index })).filter(({ item }) => !after.some((other) => sameValue(item, other)));
    const added = after.map((item, index) => ({ item, index })).filter(({ item }) => !before.some((other) => sameValue(item, other)));
    if (removed.length === 1 && added.length === 1) {
      const [gone, came] = [removed[0]!, added[0]!];
      return attributeChanges(gone.item, came.item, `${path}[${gone.index}]`, { before: childOf(sensitive.before, gone.index), after: childOf(sensitive.after, came.index) });
    }
    return [
      ...removed.map(({ item, index }) => `${path}[${index}]: ${holdsSensitive(childOf(sensitive.before, index)) ? "(sensitive value)" : shown(item)} -> (removed)`),
      ...added.map(({ item, index }) => `${path}[+]: (absent) -> ${holdsSensitive(childOf(sensitive.after, index)) ? "(sensitive value)" : shown(item)}`),
    ];
  }
  // A whole value is printed only when no part of it is marked sensitive.
  if (holdsSensitive(sensitive.before) || holdsSensitive(sensitive.after)) return [`${path}: (sensitive value changed)`];
  return [`${path}: ${shown(before)} -> ${shown(after)}`];
}

/** A sensitivity marker (true, or an object or list of markers) that marks anything inside it. */
function holdsSensitive(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") return Object.values(marker).some(holdsSensitive);
  return false;
}

function child(sensitive: Sensitivity, key: string | number): Sensitivity {
  return { before: childOf(sensitive.before, key), after: childOf(sensitive.after, key) };
}

function childOf(marker: unknown, key: string | number): unknown {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") return (marker as Record<string | number, unknown>)[key];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON without null members, shortened. */
function shown(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (isRecord(item) ? Object.fromEntries(Object.entries(item).filter(([, inner]) => inner !== null)) : item)) ?? "null";
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 1)}…` : text;
}
