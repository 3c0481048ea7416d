/**
 * Normalizes Terraform configuration from either syntax to one comparable shape: JSON syntax as
 * CDKTF writes it, or native syntax as HashiCorp's parser returns it through hcl2json. Blocks
 * become arrays of objects on both sides; CDKTF metadata (`//`) is dropped; a variable's type
 * expression compares equal to its JSON string form.
 */
export function terraformMeaning(config: unknown): unknown {
  return normalize(config, []);
}

function normalize(value: unknown, path: readonly string[]): unknown {
  if (path[path.length - 1] === "provisioner") return normalize(provisionersByType(value), path.slice(0, -1).concat("provisioners"));
  if (Array.isArray(value)) return value.map((item) => normalize(item, path));
  if (value === null || typeof value !== "object") return normalizeScalar(value, path);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === "//") continue;
    const inner = normalize((value as Record<string, unknown>)[key], [...path, key]);
    result[key] = inner !== null && typeof inner === "object" && !Array.isArray(inner) ? [inner] : inner;
  }
  return result;
}

function normalizeScalar(value: unknown, path: readonly string[]): unknown {
  if (typeof value !== "string") return value;
  if (path[0] === "variable" && path[path.length - 1] === "type") return value.replace(/^\$\{(.*)\}$/, "$1");
  if (path[path.length - 1] === "depends_on") return value.replace(/^\$\{(.*)\}$/, "$1");
  return value;
}

/**
 * Provisioners as type -> bodies. JSON syntax lists them in order (`[{file: {...}}, {"remote-exec": {...}}]`);
 * hcl2json groups the labelled blocks by type and cannot show the order between types, so the
 * comparison cannot either (the HCL itself keeps it: blocks are written in the JSON's order).
 */
function provisionersByType(value: unknown): Record<string, unknown[]> {
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.flatMap((item) => Object.entries(item as Record<string, unknown>))
    : Object.entries(value as Record<string, unknown>).flatMap(([type, bodies]) => (Array.isArray(bodies) ? bodies : [bodies]).map((body): [string, unknown] => [type, body]));
  const grouped: Record<string, unknown[]> = {};
  for (const [type, body] of entries) (grouped[type] ??= []).push(body);
  return grouped;
}
