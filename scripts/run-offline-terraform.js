#!/usr/bin/env node
// Runs offline-terraform/runner/cli.ts (tf:validate, tf:plan, deploy:local) through esbuild,
// like run-app.js does for main.ts, rebuilding only when a source changed (cached-bundle.js).
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "offline-terraform.js");
bundleIfChanged({
  root,
  entry: path.join("offline-terraform", "runner", "cli.ts"),
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
require(outfile);
