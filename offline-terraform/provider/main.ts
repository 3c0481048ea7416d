import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_STORE_NAME } from "../store";
import type { ProviderSchema } from "../schema/types";
import { servePlugin } from "./plugin-server";
import { serveProviderHost } from "./provider-host";

/**
 * Entry point of the emulator bundle (`<home>/provider.js`), in one of two modes.
 *
 * Started by Terraform: the mirror's fixed wrapper runs `node $OFFLINE_TF_HOME/provider.js "$0"`;
 * the wrapper's own file name (`terraform-provider-<type>_v<version>`) says which provider to
 * be, and the schema comes from `<home>/schemas/<type>.json`, so the wrapper (and Terraform's
 * lock hash) never changes.
 *
 * `--host <store> <run dir>`: every provider in one long-lived process that Terraform
 * reattaches to (see offline-terraform/runner/provider-hosts.ts).
 */
const schemasDir = path.join(__dirname, "schemas");
const protoDir = path.join(__dirname, "proto");
const readSchema = (file: string) => JSON.parse(readFileSync(path.join(schemasDir, file), "utf8")) as ProviderSchema;

if (process.argv[2] === "--host") {
  process.title = "offline-tf-provider-host";
  const [store, runDir] = process.argv.slice(3);
  if (store === undefined || runDir === undefined) {
    console.error("offline provider host: usage: provider.js --host <fake-cloud store> <run directory>");
    process.exit(1);
  }
  const schemas = readdirSync(schemasDir).filter((file) => file.endsWith(".json")).sort().map(readSchema);
  serveProviderHost(schemas, protoDir, path.resolve(store), runDir);
} else {
  const executable = path.basename(process.argv[2] ?? "");
  const type = /^terraform-provider-([a-z0-9-]+)_v/.exec(executable)?.[1];
  if (type === undefined) {
    console.error(`offline provider: cannot tell the provider type from "${executable}"`);
    process.exit(1);
  }
  servePlugin(readSchema(`${type}.json`), protoDir, fakeCloudFile());
}

/** The fake cloud the run uses: OFFLINE_TF_STORE, else the store inside the emulator home. */
function fakeCloudFile(): string {
  const store = process.env.OFFLINE_TF_STORE;
  return store !== undefined && store !== "" ? path.resolve(store) : path.join(__dirname, DEFAULT_STORE_NAME);
}
