import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { tfvarsSchema } from "../config/schema";
import { REPO_ROOT } from "./helpers/synth";

/** README.md and every docs/*.md, relative to the repository root. */
const DOCUMENTS = ["README.md", ...readdirSync(path.join(REPO_ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)].sort();
const read = (document: string): string => readFileSync(path.join(REPO_ROOT, document), "utf8");

/** The text without fenced code blocks and inline code, where brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for each heading: lowercase, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (match[1] ?? "").trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every relative link target in a document: [text](target). */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? "").filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Dotted key paths of a zod schema; list items and map entries add no segment. */
function schemaKeys(schema: z.ZodType, prefix = ""): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (key: string) => schemaKeys(def[key] as z.ZodType, prefix);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, value]) => [`${prefix}${key}`, ...schemaKeys(value, `${prefix}${key}.`)]);
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "nonoptional":
    case "readonly":
    case "catch":
      return inner("innerType");
    case "array":
      return inner("element");
    case "record":
      return inner("valueType");
    case "pipe":
      return inner("in");
    default:
      return [];
  }
}

/** Keys in the first column of docs/configuration.md's tables headed `key`, as dotted paths. */
function documentedKeys(markdown: string): string[] {
  const keys: string[] = [];
  let inKeyTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inKeyTable = false;
      continue;
    }
    if (/^\| key \|/.test(line)) inKeyTable = true;
    const cell = /^\| `([^`]+)`/.exec(line)?.[1];
    if (inKeyTable && cell !== undefined) keys.push(cell.replace(/\.<[^>]+>/g, "").replace(/\[\]/g, ""));
  }
  return keys;
}

describe("the documentation", () => {
  it("has only relative links that resolve, to a file and to a heading in it", () => {
    const broken: string[] = [];
    for (const document of DOCUMENTS) {
      for (const target of relativeLinks(read(document))) {
        const [file = "", anchor] = target.split("#");
        const resolved = file === "" ? path.join(REPO_ROOT, document) : path.resolve(path.dirname(path.join(REPO_ROOT, document)), decodeURIComponent(file));
        if (!existsSync(resolved)) broken.push(`${document}: ${target} (no such file)`);
        else if (anchor !== undefined && (!statSync(resolved).isFile() || !anchors(readFileSync(resolved, "utf8")).has(anchor))) broken.push(`${document}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("links every document from the README or another document", () => {
    const linked = new Set(
      DOCUMENTS.flatMap((document) => relativeLinks(read(document)).map((target) => path.relative(REPO_ROOT, path.resolve(path.dirname(path.join(REPO_ROOT, document)), target.split("#")[0] ?? "")))),
    );
    expect(DOCUMENTS.filter((document) => document !== "README.md" && !linked.has(document))).toEqual([]);
  });

  it("names only npm scripts that exist", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const named = DOCUMENTS.flatMap((document) =>
      [...read(document).matchAll(/npm run ([a-z0-9][a-z0-9:_*-]*)/g)].map((match) => ({ document, script: (match[1] ?? "").replace(/:$/, "") })),
    );
    expect(named.length).toBeGreaterThan(10);
    // `tf:*` names a family of scripts: at least one must match.
    const exists = (script: string) => scripts.some((candidate) => new RegExp(`^${script.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(candidate));
    expect(named.filter(({ script }) => !exists(script))).toEqual([]);
  });

  it("documents in docs/configuration.md exactly the keys the config schema accepts", () => {
    const documented = documentedKeys(read("docs/configuration.md"));
    const accepted = schemaKeys(tfvarsSchema as unknown as z.ZodType);
    expect(accepted).toContain("hosts.ufw_allow.port");
    expect({ undocumented: accepted.filter((key) => !documented.includes(key)), unknown: documented.filter((key) => !accepted.includes(key)) }).toEqual({ undocumented: [], unknown: [] });
  });

  it("speaks of what things are, never of design documents or issue numbers", () => {
    const hits = DOCUMENTS.flatMap((document) => read(document).split("\n").map((line, index) => ({ where: `${document}:${index + 1}`, line })))
      .filter(({ line }) => /seed ?0?[0-9]|issue [0-9]/i.test(line));
    expect(hits).toEqual([]);
  });

  it("keeps the README a short front door", () => {
    expect(read("README.md").split("\n").length).toBeLessThanOrEqual(200);
  });
});
