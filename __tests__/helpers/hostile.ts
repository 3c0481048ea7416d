import type { Config } from "../../config/config";

/**
 * Template code, Terraform's own escapes, quotes, backslashes, newlines and unicode line
 * separators, behind a marker that tells which config key it was planted in.
 */
export function hostile(marker: string): string {
  return `${marker} \${file("/etc/passwd")} %{ if true }x%{ endif } $\${ %%{ "q" \\ \\n\nnext\u2028ls\u2029ps end$`;
}

export type ConfigPath = readonly (string | number)[];

/** Every string leaf of the config, by path. */
export function stringPaths(value: unknown, at: ConfigPath = []): ConfigPath[] {
  if (typeof value === "string") return [at];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...at, index]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => stringPaths(inner, [...at, key]));
  return [];
}

export function withValue(config: Config, at: ConfigPath, text: string): Config {
  const copy = structuredClone(config) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const step of at.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[at[at.length - 1] as string | number] = text;
  return copy as unknown as Config;
}

export const show = (at: ConfigPath): string => at.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("").slice(1);
export const markerOf = (at: ConfigPath): string => `planted<${show(at)}>`;

/** Config keys the constructs accept any text in (see hostile-values.test.ts, which proves the list complete). */
export const FREE_TEXT_KEYS: readonly ConfigPath[] = [["region"], ["dropletImage"], ["sshKeyName"], ["spacesRegion"], ["commonTags", "cost-center"], ["commonTags", "team"]];

/** `base` with a hostile value in each of `keys` and a hostile tag key (the config's only free-form map keys). */
export function withHostileValues(base: Config, keys: readonly ConfigPath[]): Config {
  const values = keys.reduce((config, at) => withValue(config, at, hostile(markerOf(at))), base);
  return { ...values, commonTags: { ...values.commonTags, [hostile("planted<commonTags key>")]: "value" } };
}

