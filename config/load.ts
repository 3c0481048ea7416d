import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Config } from "./config";
import { ConfigError } from "./errors";
import { firstTooDeep, MAX_NESTING_DEPTH, NestingTooDeep, scanHcl, type SourcePosition } from "./hcl-scan";
import { parseTfvars } from "./parse-hcl";
import { checkTfvars, type CheckedConfig } from "./validate";

/** A tfvars file larger than this is refused before it is read: real ones are a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Environment variable that selects a config file (e.g. one per environment). */
export const CONFIG_ENV_VAR = "INFRA_CONFIG";
export const DEFAULT_CONFIG_FILES = ["terraform.tfvars", "terraform.tfvars.example"] as const;

export interface LoadedConfig {
  readonly config: Config;
  /** The file as shown to users: relative to the working directory, never absolute. */
  readonly file: string;
  /** Allowed but worth a look before applying, each `file:line:column: ...` (print them in the review). */
  readonly notes: readonly string[];
}

/**
 * Picks the config file: an explicit path (flag), else $INFRA_CONFIG, else terraform.tfvars,
 * else the shipped terraform.tfvars.example.
 */
export function resolveConfigFile(cwd: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env[CONFIG_ENV_VAR];
  if (chosen !== undefined && chosen !== "") return path.resolve(cwd, chosen);
  const found = DEFAULT_CONFIG_FILES.map((name) => path.join(cwd, name)).find((file) => existsSync(file));
  if (found === undefined) {
    throw new ConfigError(DEFAULT_CONFIG_FILES[0], [
      { key: "", problem: `no config file: create terraform.tfvars (copy terraform.tfvars.example) or set ${CONFIG_ENV_VAR}` },
    ]);
  }
  return found;
}

export async function loadConfigFile(file: string, cwd: string = process.cwd()): Promise<LoadedConfig> {
  const displayName = displayPath(file, cwd);
  if (!existsSync(file)) throw new ConfigError(displayName, [{ key: "", problem: "file not found" }]);
  const size = statSync(file).size;
  if (size > MAX_CONFIG_BYTES) throw tooLarge(displayName, size);
  const source = readFileSync(file, "utf8");
  return { ...(await parseConfig(source, displayName)), file: displayName };
}

export async function parseConfigSource(source: string, displayName: string): Promise<Config> {
  return (await parseConfig(source, displayName)).config;
}

/**
 * Size and nesting are checked before HashiCorp's parser runs, so a hostile file ends in a
 * located error rather than in the parser's recursion or memory.
 */
export async function parseConfig(source: string, displayName: string): Promise<CheckedConfig> {
  const size = Buffer.byteLength(source, "utf8");
  if (size > MAX_CONFIG_BYTES) throw tooLarge(displayName, size);
  const tooDeep = nestingTooDeep(source);
  if (tooDeep !== undefined) {
    throw new ConfigError(displayName, [
      { key: "", ...tooDeep, problem: `lists, maps, parentheses or templates nest deeper than ${MAX_NESTING_DEPTH} levels here; no setting needs more than 5` },
    ]);
  }
  const raw = await parseTfvars(displayName, source);
  return checkTfvars(raw, source, displayName);
}

function nestingTooDeep(source: string): SourcePosition | undefined {
  try {
    return scanHcl(source).complete ? undefined : firstTooDeep(source);
  } catch (error) {
    if (error instanceof NestingTooDeep) return error.position;
    throw error;
  }
}

function tooLarge(displayName: string, size: number): ConfigError {
  return new ConfigError(displayName, [
    { key: "", problem: `is ${size} bytes; a config file may hold at most ${MAX_CONFIG_BYTES} bytes (1 MiB), far more than any real one` },
  ]);
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(file) : relative;
}
