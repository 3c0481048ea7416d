import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Config } from "../../config/config";
import { parseConfigSource } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { synthesizeAtomically } from "../../stacks/synthesize";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLE_FILE = path.join(REPO_ROOT, "terraform.tfvars.example");
export const EXAMPLE_SOURCE = readFileSync(EXAMPLE_FILE, "utf8");

/** A synthesized stack's Terraform JSON. */
export interface TfJson {
  readonly terraform: { backend?: Record<string, { path?: string }>; required_providers: Record<string, { source: string; version: string }> };
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly variable?: Record<string, { sensitive?: boolean; type?: string; description?: string }>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean }>;
  readonly locals?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface SynthResult {
  readonly root: string;
  readonly outdir: string;
  /** Stack name -> parsed cdk.tf.json. */
  readonly stacks: Record<string, TfJson>;
  /** Path relative to outdir -> file content, for every file written. */
  readonly files: ReadonlyMap<string, string>;
}

/** Replaces (or appends) one `key = value` line of a tfvars source; value is HCL. */
export function withSetting(source: string, key: string, hclValue: string | undefined): string {
  const pattern = new RegExp(`^${key}\\s*=.*$`, "m");
  if (hclValue === undefined) return source.replace(pattern, "");
  const line = `${key} = ${hclValue}`;
  return pattern.test(source) ? source.replace(pattern, line) : `${source}\n${line}\n`;
}

export function configFrom(source: string, displayName = "terraform.tfvars"): Promise<Config> {
  return parseConfigSource(source, displayName);
}

/**
 * The shipped example's Config. Its tfvars parse goes through the app's own parse cache
 * (config/parse-cache.ts) in the directory jest's globalSetup made, so only the first test file
 * pays for starting HashiCorp's wasm parser on it; every other source is parsed as before, and
 * the example is validated in full every time.
 */
export async function exampleConfig(): Promise<Config> {
  const shared = process.env.TEST_EXAMPLE_PARSE_CACHE;
  if (shared === undefined || shared === "" || process.env.SYNTH_PARSE_CACHE_DIR !== undefined) return configFrom(EXAMPLE_SOURCE, "terraform.tfvars.example");
  process.env.SYNTH_PARSE_CACHE_DIR = shared;
  try {
    return await configFrom(EXAMPLE_SOURCE, "terraform.tfvars.example");
  } finally {
    delete process.env.SYNTH_PARSE_CACHE_DIR;
  }
}

/** Synthesizes the whole app into a fresh temporary project root, as `npm run synth` would. */
export function synthApp(config: Config): SynthResult {
  const root = mkdtempSync(path.join(tmpdir(), "synth-test-"));
  const outdir = path.join(root, "cdktf.out");
  synthesizeAtomically(outdir, (staging) => buildApp(config, { outdir: staging, projectRoot: root }));
  const files = new Map<string, string>();
  for (const file of walk(outdir)) files.set(path.relative(outdir, file), readFileSync(file, "utf8"));
  const stacks: Record<string, TfJson> = {};
  for (const [file, content] of files) {
    const match = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(file);
    if (match?.[1] !== undefined) stacks[match[1]] = JSON.parse(content) as TfJson;
  }
  return { root, outdir, stacks, files };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Resources of one type, without CDKTF's `//` metadata, keyed by logical id. */
export function resourcesOf(stack: TfJson, type: string): Record<string, Record<string, unknown>> {
  return stripMetadata(stack.resource?.[type] ?? {});
}

export function dataSourcesOf(stack: TfJson, type: string): Record<string, Record<string, unknown>> {
  return stripMetadata(stack.data?.[type] ?? {});
}

/** The single resource of a type; fails when there is not exactly one. */
export function onlyResource(stack: TfJson, type: string): [string, Record<string, unknown>] {
  const entries = Object.entries(resourcesOf(stack, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0] as [string, Record<string, unknown>];
}

function stripMetadata(group: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(group).map(([name, body]) => {
      const { ["//"]: _metadata, ...rest } = body;
      return [name, rest];
    }),
  );
}
