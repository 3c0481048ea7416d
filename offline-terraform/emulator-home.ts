import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { deriveProviderSchema } from "./schema/derive-provider";
import { DEFAULT_STORE_NAME } from "./store";

/** The pinned providers the emulator serves: the @cdktf/provider-* packages the app imports. */
export const PROVIDER_PACKAGES = ["digitalocean", "cloudflare", "null", "local"].map((name) => `@cdktf/provider-${name}`);

/** Both this directory and the CLI bundle's `.build/` sit at the project root. */
export const REPO_ROOT = path.resolve(__dirname, "..");
const SOURCE_DIR = path.join(REPO_ROOT, "offline-terraform");
/** Git-ignored: the provider bundle, derived schemas, filesystem mirror, CLI config, scratch state, the default fake cloud. */
export const DEFAULT_HOME = path.join(REPO_ROOT, ".offline-terraform");

/**
 * The fixed executable placed in the mirror for every provider. It never varies (not by
 * provider, not by machine), so Terraform's lock-file hash of it stays stable; what varies is
 * the schema file the bundle reads, chosen by this wrapper's file name.
 */
export const WRAPPER = `#!/bin/sh
# Offline Terraform provider emulator (see offline-terraform/ in the project).
if [ -z "$OFFLINE_TF_HOME" ]; then echo "OFFLINE_TF_HOME is not set: run through npm run tf:validate / tf:plan / deploy:local" >&2; exit 1; fi
exec node "$OFFLINE_TF_HOME/provider.js" "$0"
`;

export interface EmulatorHome {
  readonly home: string;
  readonly cliConfigFile: string;
  /** registry.terraform.io/<ns>/<type> -> version */
  readonly providers: Readonly<Record<string, string>>;
}

/** OFFLINE_TF_HOME when set (a shell that ran tf:env, a test's own home), else the project's. */
export function emulatorHomeFromEnvironment(): string {
  const home = process.env.OFFLINE_TF_HOME;
  return home !== undefined && home !== "" ? path.resolve(home) : DEFAULT_HOME;
}

/** Writes the provider bundle, schemas, mirror and CLI config into `home`. */
export function buildEmulatorHome(home = DEFAULT_HOME): EmulatorHome {
  mkdirSync(path.join(home, "schemas"), { recursive: true });
  mkdirSync(path.join(home, "proto"), { recursive: true });
  buildSync({
    entryPoints: [path.join(SOURCE_DIR, "provider", "main.ts")],
    outfile: path.join(home, "provider.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "error",
  });
  const protoSource = path.join(SOURCE_DIR, "provider");
  for (const file of readdirSync(protoSource).filter((name) => name.endsWith(".proto"))) {
    copyFileSync(path.join(protoSource, file), path.join(home, "proto", file));
  }
  const providers: Record<string, string> = {};
  for (const packageName of PROVIDER_PACKAGES) {
    const schema = deriveProviderSchema(path.dirname(require.resolve(`${packageName}/package.json`, { paths: [REPO_ROOT] })));
    const type = schema.source.split("/").pop() ?? "";
    writeFileSync(path.join(home, "schemas", `${type}.json`), JSON.stringify(schema));
    const platformDir = path.join(home, "mirror", schema.source, schema.version, terraformPlatform());
    mkdirSync(platformDir, { recursive: true });
    const wrapper = path.join(platformDir, `terraform-provider-${type}_v${schema.version}`);
    writeFileSync(wrapper, WRAPPER);
    chmodSync(wrapper, 0o755);
    providers[schema.source] = schema.version;
  }
  const cliConfigFile = path.join(home, "terraformrc");
  writeFileSync(cliConfigFile, cliConfig(path.join(home, "mirror")));
  return { home, cliConfigFile, providers };
}

/** Providers come from the mirror only: no registry, no network. */
export function cliConfig(mirrorDir: string): string {
  return `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirrorDir)}
    include = ["registry.terraform.io/*/*"]
  }
}
`;
}

function terraformPlatform(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return `${process.platform}_${arch}`;
}

/**
 * The environment every Terraform run against the emulator gets. The fake cloud is always
 * named: `store`, else the one inside the emulator home (never a store the caller's shell
 * happens to point at).
 */
export function terraformEnvironment(emulator: EmulatorHome, base: NodeJS.ProcessEnv = process.env, store?: string): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_CLI_CONFIG_FILE: emulator.cliConfigFile,
    CHECKPOINT_DISABLE: "1",
    TF_DISABLE_PLUGIN_TLS: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    OFFLINE_TF_HOME: emulator.home,
    OFFLINE_TF_STORE: path.resolve(store ?? path.join(emulator.home, DEFAULT_STORE_NAME)),
  };
}
