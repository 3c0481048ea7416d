import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
// Plain JS shared with the npm scripts' launchers (typed by cached-bundle.d.ts).
import { bundleIfChanged } from "../scripts/cached-bundle";
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

/**
 * The home as `buildEmulatorHome` would write it, without writing it again when it is current:
 * what the npm scripts (tf:env, tf:validate, tf:plan, deploy:local, drift) call on every run.
 * Building costs about a second (bundling the provider, deriving four schemas from the provider
 * packages); checking costs a few milliseconds. Current means: the stamp the last build left
 * (STAMP_FILE) names the same inputs (this file, the schema derivation's sources, the proto
 * files, the provider packages' package.json, the platform) and the same outputs (the schemas,
 * the mirror, the proto copies, read back and hashed, so an edited or deleted file is rebuilt),
 * and the CLI config names this home's mirror. The provider bundle has its own stamp
 * (scripts/cached-bundle.js, as the scripts' bundles do). Anything else rebuilds everything. Nothing
 * in the stamps names the home's path, so a copy of a current home (with its stamps and its CLI
 * config rewritten for the new place) is current too.
 */
export function ensureEmulatorHome(home = DEFAULT_HOME): EmulatorHome {
  const stampFile = path.join(home, STAMP_FILE);
  const inputs = inputsDigest();
  let stamp: { inputs?: string; outputs?: string; providers?: Record<string, string> } | undefined;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8")) as typeof stamp;
  } catch {
    stamp = undefined;
  }
  const cliConfigFile = path.join(home, "terraformrc");
  const configCurrent = existsSync(cliConfigFile) && readFileSync(cliConfigFile, "utf8") === cliConfig(path.join(home, "mirror"));
  if (configCurrent && stamp?.inputs === inputs && stamp.providers !== undefined && stamp.outputs === outputsDigest(home)) {
    bundleProvider(home);
    return { home, cliConfigFile, providers: stamp.providers };
  }
  const built = buildEmulatorHome(home);
  const temporary = `${stampFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ inputs, outputs: outputsDigest(home), providers: built.providers }));
  renameSync(temporary, stampFile);
  return built;
}

/** Where ensureEmulatorHome records what the home was built from. */
export const STAMP_FILE = "home.stamp.json";

/** Writes the provider bundle, schemas, mirror and CLI config into `home`. */
export function buildEmulatorHome(home = DEFAULT_HOME): EmulatorHome {
  mkdirSync(path.join(home, "schemas"), { recursive: true });
  mkdirSync(path.join(home, "proto"), { recursive: true });
  bundleProvider(home);
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

/** provider.js, rebuilt only when one of its sources changed (its stamp sits beside it). */
function bundleProvider(home: string): void {
  mkdirSync(home, { recursive: true });
  bundleIfChanged({
    root: REPO_ROOT,
    entry: path.relative(REPO_ROOT, path.join(SOURCE_DIR, "provider", "main.ts")),
    outfile: path.join(home, "provider.js"),
    options: { platform: "node", target: "node20", format: "cjs" },
  });
}

/** What the schemas, mirror and proto copies are made from (see ensureEmulatorHome). */
function inputsDigest(): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: 1, platform: terraformPlatform(), wrapper: WRAPPER, packages: PROVIDER_PACKAGES }));
  const sources = [
    path.join(SOURCE_DIR, "emulator-home.ts"),
    ...filesIn(path.join(SOURCE_DIR, "schema")),
    ...filesIn(path.join(SOURCE_DIR, "provider")).filter((file) => file.endsWith(".proto")),
    ...PROVIDER_PACKAGES.map((packageName) => require.resolve(`${packageName}/package.json`, { paths: [REPO_ROOT] })),
  ];
  for (const file of sources) hash.update(`\0${file}\0`).update(existsSync(file) ? readFileSync(file) : "(absent)");
  return hash.digest("hex");
}

/** Every file the build writes besides provider.js and the CLI config, names and contents. */
function outputsDigest(home: string): string {
  const hash = createHash("sha256");
  for (const dir of ["schemas", "mirror", "proto"]) {
    for (const file of filesIn(path.join(home, dir), true)) {
      hash.update(`\0${path.relative(home, file)}\0${(statSync(file).mode & 0o111).toString(8)}\0`).update(readFileSync(file));
    }
  }
  return hash.digest("hex");
}

/** Files under `dir` (recursively when asked), sorted; none when it does not exist. */
function filesIn(dir: string, recursive = false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return recursive ? filesIn(full, true) : [];
      return [full];
    })
    .sort();
}
