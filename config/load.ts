import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Config } from "./config";
import { ConfigError } from "./errors";
import { parseTfvars } from "./parse-hcl";
import { validateTfvars } from "./validate";

/** Environment variable that selects a config file (e.g. one per environment). */
export const CONFIG_ENV_VAR = "INFRA_CONFIG";
export const DEFAULT_CONFIG_FILES = ["terraform.tfvars", "terraform.tfvars.example"] as const;

export interface LoadedConfig {
  readonly config: Config;
  /** The file as shown to users: relative to the working directory, never absolute. */
  readonly file: string;
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
  const source = readFileSync(file, "utf8");
  return { config: await parseConfigSource(source, displayName), file: displayName };
}

export async function parseConfigSource(source: string, displayName: string): Promise<Config> {
  const raw = await parseTfvars(displayName, source);
  return validateTfvars(raw, source, displayName);
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(file) : relative;
}
