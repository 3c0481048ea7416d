#!/usr/bin/env node
// `npm run -s tf:env`: prints the exports that point plain terraform at the emulated providers
// and a fake cloud store (offline-terraform/runner/tf-env-cli.ts, bundled like run-app.js).
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "tf-env.js");
bundleIfChanged({
  root,
  entry: path.join("offline-terraform", "runner", "tf-env-cli.ts"),
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
require(outfile);
