import { ConfigError } from "./errors";
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
    throw new ConfigError(displayName, parserDiagnostics(displayName, String((error as Error).message ?? error)));
  }
}

/** hcl2json reports `parse config: [file:3,1-1: Summary; Detail.]`; keep line and text. */
function parserDiagnostics(displayName: string, message: string): { key: string; line?: number; problem: string }[] {
  const inner = message.replace(/^parse config:\s*\[/, "").replace(/\]\s*$/, "");
  const escaped = displayName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`${escaped}:(\\d+),[\\d-]+:\\s*`, "g");
  const parts = inner.split(pattern);
  const diagnostics: { key: string; line?: number; problem: string }[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const text = (parts[i + 1] ?? "").trim().replace(/,\s*$/, "");
    diagnostics.push({ key: "", line: Number(parts[i]), problem: `HCL syntax error: ${text.replace(new RegExp(`${escaped}:`, "g"), "line ")}` });
  }
  return diagnostics.length > 0 ? diagnostics : [{ key: "", problem: `HCL syntax error: ${inner}` }];
}
