import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { isSecretKey, looksLikeSecretValue } from "./secrets";

/**
 * Memoizes HashiCorp's tfvars parser by the exact bytes of the file. The parser is a Go wasm
 * runtime: starting it costs ~0.13 s of CPU and ~40 MB of memory on every synth, for a result that
 * depends only on the file's content and the parser's version. `npm run synth` and `cdktf synth`
 * (scripts/run-app.js) set SYNTH_PARSE_CACHE_DIR to .build/parse-cache; without it (tests, other
 * callers) every file is parsed. Only successful parses of files without anything that looks like
 * a credential are kept (validation refuses those, and no copy of one may land on disk), so errors
 * always come from the parser itself. An entry that cannot be read is ignored and rewritten.
 */
export async function parseWithCache(source: string, parse: () => Promise<unknown>): Promise<unknown> {
  const dir = process.env.SYNTH_PARSE_CACHE_DIR;
  if (!dir) return parse();
  const file = path.join(dir, `${createHash("sha256").update(parserVersion()).update("\0").update(source).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch {
    const parsed = await parse();
    if (holdsCredential(parsed)) return parsed;
    try {
      mkdirSync(dir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(parsed), { mode: 0o600 });
      renameSync(temporary, file);
      keepNewest(dir, KEPT_ENTRIES);
    } catch {
      // A read-only or full disk only costs the next synth the parse.
    }
    return parsed;
  }
}

/** Every edit of the tfvars file adds an entry: the cache keeps the most recent ones only. */
const KEPT_ENTRIES = 16;

function keepNewest(dir: string, count: number): void {
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ file: path.join(dir, name), mtime: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of entries.slice(count)) rmSync(file, { force: true });
}

function parserVersion(): string {
  return (require("@cdktf/hcl2json/package.json") as { version: string }).version;
}

/**
 * A value that looks like a credential, or any key at any depth named like one (`password`,
 * `api_key` inside a map): such a file is never copied, whatever the validator says of it later.
 */
function holdsCredential(parsed: unknown, key?: string): boolean {
  if (Array.isArray(parsed)) return parsed.some((item) => holdsCredential(item, key));
  if (parsed !== null && typeof parsed === "object") return Object.entries(parsed).some(([inner, value]) => isSecretKey(inner) || holdsCredential(value, inner));
  return looksLikeSecretValue(parsed, key);
}
