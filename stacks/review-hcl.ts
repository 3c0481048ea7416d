import type { TerraformStack } from "cdktf";

/**
 * HCL for review, from CDKTF's own renderer (stack.toHclTerraform()) with the three defects of
 * cdktf 0.21 repaired, then formatted with HashiCorp's hclwrite (@cdktf/hcl-tools, what
 * `cdktf synth --hcl` uses). We repair rather than write our own printer: CDKTF's renderer is
 * the only component that knows, per attribute, whether an object is a nested block or a map,
 * and only these three spots are wrong (tests compare every stack's HCL with its JSON):
 *
 * 1. A list of number references (a firewall's `droplet_ids`) is printed as bare `${...}`
 *    elements, which HCL refuses ("Invalid character"). We quote them: Terraform converts.
 * 2. A multi-line string is printed as `<<EOF ... EOF` with an extra newline at the end, so
 *    the value differs (user_data would change). When the string ended with a newline we drop
 *    the extra blank line; otherwise we print it as a quoted, escaped string.
 * 3. A variable's `nullable` is not printed at all; we add it back from the stack's JSON.
 */
export async function renderReviewHcl(stack: TerraformStack): Promise<string> {
  const variables = ((stack.toTerraform() as { variable?: Record<string, { nullable?: boolean }> }).variable ?? {});
  // Loaded on first use: importing @cdktf/hcl-tools starts its Go wasm runtime (~40 MB).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { format } = require("@cdktf/hcl-tools") as typeof import("@cdktf/hcl-tools");
  return format(restoreNullable(repairCdktfHcl(stack.toHclTerraform().hcl), variables));
}

export function restoreNullable(hcl: string, variables: Readonly<Record<string, { nullable?: boolean }>>): string {
  return Object.entries(variables).reduce((text, [name, variable]) => {
    if (variable.nullable === undefined) return text;
    const header = `variable "${name}" {\n`;
    if (!text.includes(header)) throw new Error(`variable ${name} not found in CDKTF HCL`);
    return text.replace(header, `${header}nullable = ${String(variable.nullable)}\n`);
  }, hcl);
}

export function repairCdktfHcl(hcl: string): string {
  const lines = hcl.split("\n");
  const out: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const heredoc = /^(\s*[^=]+=\s*)<<EOF$/.exec(line);
    if (heredoc !== null) {
      const end = lines.indexOf("EOF", index + 1);
      if (end < 0) throw new Error(`unterminated heredoc in CDKTF HCL at line ${index + 1}`);
      out.push(...repairHeredoc(heredoc[1] ?? "", lines.slice(index + 1, end)));
      index = end;
      continue;
    }
    out.push(line.replace(/^(\s*)(\$\{[^"\n]*\})(,?)\s*$/, '$1"$2"$3'));
  }
  return out.join("\n");
}

/** `content` is what CDKTF wrote between the markers: the original lines plus one extra "". */
function repairHeredoc(prefix: string, content: readonly string[]): string[] {
  if (content.length > 0 && content[content.length - 1] === "") {
    return [`${prefix}<<EOF`, ...content.slice(0, -1), "EOF"];
  }
  return [`${prefix}${JSON.stringify(content.join("\n"))}`];
}
