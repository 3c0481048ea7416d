import { ConfigError, type ConfigIssue } from "./errors";
import { parseWithCache } from "./parse-cache";

/**
 * Parses a tfvars file with HashiCorp's HCL parser (Go, compiled to wasm in @cdktf/hcl2json).
 * Syntax errors come back as ConfigError with the parser's own line and message.
 */
export async function parseTfvars(displayName: string, source: string): Promise<Record<string, unknown>> {
  try {
    // Required on first use: importing the parser starts its Go wasm runtime, which a cached parse never needs.
    const parsed: unknown = await parseWithCache(source, () => (require("@cdktf/hcl2json") as typeof import("@cdktf/hcl2json")).parse(displayName, source));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new ConfigError(displayName, [{ key: "", problem: "expected a file of `name = value` assignments" }]);
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof RangeError) {
      throw new ConfigError(displayName, [{ key: "", problem: "is nested too deeply for the HCL parser; no setting needs more than a few levels of lists and maps" }]);
    }
    throw new ConfigError(displayName, parserDiagnostics(displayName, String((error as Error).message ?? error)));
  }
}

const MAX_SYNTAX_ERRORS_SHOWN = 5;

/** hcl2json reports `parse config: [file:3,1-7: Summary; Detail.]` (or `file:3,1-4,2:` across lines); keep line, column and text. */
function parserDiagnostics(displayName: string, message: string): ConfigIssue[] {
  const inner = message.replace(/^parse config:\s*\[/, "").replace(/\]\s*$/, "");
  const escaped = displayName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`${escaped}:(\\d+),(\\d+)-(?:\\d+,)?\\d+:\\s*`, "g");
  const parts = inner.split(pattern);
  const diagnostics: ConfigIssue[] = [];
  for (let i = 1; i + 2 < parts.length; i += 3) {
    const text = (parts[i + 2] ?? "").trim().replace(/,\s*$/, "");
    diagnostics.push({
      key: "",
      line: Number(parts[i]),
      column: Number(parts[i + 1]),
      problem: `HCL syntax error: ${text.replace(new RegExp(`${escaped}:`, "g"), "line ")}`,
    });
  }
  if (diagnostics.length === 0) return [{ key: "", problem: `HCL syntax error: ${inner}` }];
  // One broken quote makes every later line an error: the first few say where to look.
  const shown = diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)).slice(0, MAX_SYNTAX_ERRORS_SHOWN);
  const hidden = diagnostics.length - shown.length;
  return hidden === 0 ? shown : [...shown, { key: "", problem: `HCL syntax error: ${hidden} more after these, most of them caused by the first; fix it and run again` }];
}
