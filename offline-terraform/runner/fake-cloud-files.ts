import * as path from "node:path";
import { DEFAULT_HOME } from "../emulator-home";
import { DEFAULT_STORE_NAME } from "../store";

/**
 * The fake cloud file a command uses: `--store FILE`, relative to where the command was typed
 * (npm runs scripts from the project root and says where it was called in INIT_CWD), else
 * `.offline-terraform/fake-cloud.json` in the project.
 */
export function storeFile(argument: string | undefined): string {
  if (argument === undefined) return path.join(DEFAULT_HOME, DEFAULT_STORE_NAME);
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), argument);
}

/**
 * Where an offline deploy into `store` keeps its Terraform state (and its copy of the
 * synthesized stacks), beside the store: `fake-cloud.json` -> `fake-cloud.state/`. State and
 * cloud belong together; deleting both starts from nothing.
 */
export function deployedStateDirectory(store: string): string {
  return path.join(path.dirname(store), `${path.basename(store).replace(/\.json$/, "")}.state`);
}
