#!/usr/bin/env node
// `npm run drift`: what changed outside Terraform, per stack
// (offline-terraform/runner/drift-cli.ts, bundled like run-app.js).
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "drift.js");
bundleIfChanged({
  root,
  entry: path.join("offline-terraform", "runner", "drift-cli.ts"),
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
require(outfile);
