/**
 * Finds the line of a key in a tfvars source. HashiCorp's parser (through hcl2json) returns
 * values without positions, so for validation errors we look the key up in the text: the
 * top-level `key =` line, then the first following line that names the nested key.
 */
export function lineOfKey(source: string, path: readonly (string | number)[]): number | undefined {
  if (path.length === 0) return undefined;
  const lines = source.split("\n");
  const top = String(path[0]);
  if (top.trim() === "") return undefined;
  const topPattern = new RegExp(`^\\s*${escapeRegExp(top)}\\s*[={]`); // `key = value`, or a block `key {`
  const topIndex = lines.findIndex((line) => topPattern.test(stripComment(line)));
  if (topIndex < 0) return undefined;
  let index = topIndex;
  for (const part of path.slice(1)) {
    if (typeof part === "number") {
      // A list of objects written one item per line (`{ name = ... },`): the part-th such line.
      const items = lines.map((line, i) => ({ line: stripComment(line).trim(), i })).filter(({ line, i }) => i > index && line.startsWith("{"));
      const item = items[part];
      if (item === undefined) break;
      index = item.i;
      continue;
    }
    const pattern = new RegExp(`(^|[\\s{,])"?${escapeRegExp(part)}"?\\s*[=:]`);
    const found = lines.findIndex((line, i) => i >= index && pattern.test(stripComment(line)));
    if (found < 0) break;
    index = found;
  }
  return index + 1;
}

function stripComment(line: string): string {
  return line.replace(/(^|\s)(#|\/\/).*$/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
