#!/usr/bin/env node
// Runs scripts/destroy.ts (npm run destroy) through esbuild, like run-app.js does for main.ts.
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "destroy.js");
bundleIfChanged({
  root,
  entry: path.join("scripts", "destroy.ts"),
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
process.env.DESTROY_SCRIPT_MAIN = "1";
require(outfile);
