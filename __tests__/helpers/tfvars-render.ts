type Raw = Record<string, unknown>;

/** Renders a value as HCL: strings with JSON escapes (HCL's are a superset), objects with quoted keys. */
export function toHcl(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(toHcl).join(", ")}]`;
  return `{\n${Object.entries(value as Raw).map(([key, item]) => `  ${JSON.stringify(key)} = ${toHcl(item)}`).join("\n")}\n}`;
}

/** A tfvars file setting each top-level key of raw. */
export function toTfvars(raw: Raw): string {
  return `${Object.entries(raw).map(([key, value]) => `${key} = ${toHcl(value)}`).join("\n")}\n`;
}

/** A copy of raw with the value at path replaced (the parents must exist). */
export function withPath(raw: Raw, path: readonly (string | number)[], value: unknown): Raw {
  const copy = structuredClone(raw);
  let parent: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
  return copy;
}
