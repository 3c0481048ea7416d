import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_STORE_NAME } from "../store";
import type { ProviderSchema } from "../schema/types";
import { servePlugin } from "./plugin-server";

/**
 * Entry point of the emulator bundle (`<home>/provider.js`). The mirror's fixed wrapper runs
 * `node $OFFLINE_TF_HOME/provider.js "$0"`; the wrapper's own file name
 * (`terraform-provider-<type>_v<version>`) says which provider to be, and the schema comes
 * from `<home>/schemas/<type>.json`, so the wrapper (and Terraform's lock hash) never changes.
 */
const executable = path.basename(process.argv[2] ?? "");
const type = /^terraform-provider-([a-z0-9-]+)_v/.exec(executable)?.[1];
if (type === undefined) {
  console.error(`offline provider: cannot tell the provider type from "${executable}"`);
  process.exit(1);
}
const schema = JSON.parse(readFileSync(path.join(__dirname, "schemas", `${type}.json`), "utf8")) as ProviderSchema;
servePlugin(schema, path.join(__dirname, "proto"), fakeCloudFile());

/** The fake cloud the run uses: OFFLINE_TF_STORE, else the store inside the emulator home. */
function fakeCloudFile(): string {
  const store = process.env.OFFLINE_TF_STORE;
  return store !== undefined && store !== "" ? path.resolve(store) : path.join(__dirname, DEFAULT_STORE_NAME);
}
