#!/usr/bin/env node
// `npm run adopt`: bundles scripts/adopt.ts with esbuild (only when a source changed, see
// cached-bundle.js) and runs it, as run-app.js does for the app.
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "adopt.js");
bundleIfChanged({
  root,
  entry: "scripts/adopt.ts",
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
require(outfile);
