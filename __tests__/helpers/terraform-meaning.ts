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
