import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { readBindingSource, terraformTypeName } from "./binding-source";
import { deriveBlock } from "./derive-block";
import { readJsiiStructs } from "./jsii-optionality";
import { OPTIONAL_COMPUTED, PROVIDER_META_ARGUMENTS, SENSITIVE } from "./overrides";
import type { ProviderSchema, SchemaBlock } from "./types";

const KINDS = { "cdktf.TerraformResource": "resource", "cdktf.TerraformDataSource": "data", "cdktf.TerraformProvider": "provider" } as const;

/**
 * Derives a provider's whole schema from its installed @cdktf/provider-* package: every
 * `lib/<name>/index.js` binding (resource, data source or the provider itself) plus the
 * package's `.jsii` assembly. The provider address and version come from the package's
 * `cdktf.provider` field, so the emulator always matches the bindings the app imports.
 */
export function deriveProviderSchema(packageDir: string): ProviderSchema {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    cdktf: { provider: { name: string; version: string } };
  };
  const jsii = readJsiiStructs(path.join(packageDir, ".jsii"));
  const resources: Record<string, SchemaBlock> = {};
  const dataSources: Record<string, SchemaBlock> = {};
  let provider: SchemaBlock | undefined;
  const libDir = path.join(packageDir, "lib");
  for (const name of readdirSync(libDir).sort()) {
    const file = path.join(libDir, name, "index.js");
    if (!existsSync(file)) continue;
    const source = readBindingSource(file);
    for (const cls of source.classes.values()) {
      const kind = KINDS[cls.base as keyof typeof KINDS];
      const typeName = kind === undefined ? undefined : terraformTypeName(cls.body);
      if (kind === undefined || typeName === undefined) continue;
      const listing = /synthesizeHclAttributes\(\) \{([\s\S]*?)\n {4}\}/.exec(cls.body)?.[1] ?? "";
      const block = deriveBlock(
        {
          source,
          jsii,
          optionalComputed: new Set(kind === "resource" ? (OPTIONAL_COMPUTED[typeName] ?? []) : []),
          sensitive: new Set(kind === "resource" ? (SENSITIVE[typeName] ?? []) : []),
          ...(kind === "provider" ? { exclude: new Set(PROVIDER_META_ARGUMENTS) } : {}),
        },
        listing,
        `${cls.name}Config`,
        cls.body,
      );
      if (kind === "provider") provider = block;
      else if (kind === "resource") resources[typeName] = block;
      else dataSources[typeName] = block;
    }
  }
  if (provider === undefined) throw new Error(`${packageDir}: no provider binding found under lib/`);
  return { source: manifest.cdktf.provider.name, version: manifest.cdktf.provider.version, provider, resources, dataSources };
}
