import * as path from "node:path";
import { parseArgs } from "node:util";
import { ensureEmulatorHome, DEFAULT_HOME, emulatorHomeFromEnvironment, terraformEnvironment } from "../emulator-home";
import { DEFAULT_STORE_NAME } from "../store";

const USAGE = `usage: eval "$(npm run -s tf:env -- [--store FILE])"

Prints the export lines that make plain terraform, in any directory, use the emulated
providers and the fake cloud FILE (default: .offline-terraform/${DEFAULT_STORE_NAME}).
Then: terraform -chdir=<dir> init | plan | apply | import | state ...`;

/** The variables tf:env exports, in this order. */
const EXPORTED = ["TF_CLI_CONFIG_FILE", "TF_DISABLE_PLUGIN_TLS", "CHECKPOINT_DISABLE", "OFFLINE_TF_HOME", "OFFLINE_TF_STORE"] as const;

function main(args: readonly string[]): number {
  let store: string | undefined;
  try {
    const { values } = parseArgs({ args: [...args], options: { store: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    if (values.help === true) {
      console.error(USAGE);
      return 0;
    }
    store = values.store;
  } catch (error) {
    console.error(`tf:env: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  // npm runs scripts from the project root; a relative --store is meant from where the user typed it.
  const invokedFrom = process.env.INIT_CWD ?? process.cwd();
  const storeFile = store === undefined ? path.join(DEFAULT_HOME, DEFAULT_STORE_NAME) : path.resolve(invokedFrom, store);
  const environment = terraformEnvironment(ensureEmulatorHome(emulatorHomeFromEnvironment()), {}, storeFile);
  process.stdout.write(EXPORTED.map((name) => `export ${name}=${shellQuoted(environment[name] ?? "")}\n`).join(""));
  return 0;
}

/** One POSIX shell word, whatever the path holds. */
export function shellQuoted(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

process.exitCode = main(process.argv.slice(2));
