/**
 * What `JSON.parse` returns for the text CDKTF writes of `value` (json-stable-stringify): object
 * keys sorted, `toJSON` applied, undefined and functions left out (null inside arrays), non-finite
 * numbers null, -0 as 0. Strings are shared, not copied: the stack's documentation and review read
 * this instead of parsing cdk.tf.json back (20 MB of text and as much again of new strings at 500 hosts).
 */
export function asWrittenJson(value: unknown): unknown {
  const node = hasToJson(value) ? value.toJSON() : value;
  if (node === null) return null;
  switch (typeof node) {
    case "string":
    case "boolean":
      return node;
    case "number":
      return Number.isFinite(node) ? node + 0 : null;
    case "object":
      break;
    default:
      return undefined;
  }
  // Every index, holes of a sparse array included (map would skip them): each reads back as null.
  if (Array.isArray(node)) return Array.from({ length: node.length }, (_, index) => asWrittenJson((node as unknown[])[index]) ?? null);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) {
    const inner = asWrittenJson((node as Record<string, unknown>)[key]);
    // A "__proto__" key is an own property in parsed JSON, not the prototype.
    if (inner !== undefined) Object.defineProperty(result, key, { value: inner, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return Boolean(value) && typeof (value as { toJSON?: unknown }).toJSON === "function";
}
