#!/usr/bin/env node
// `npm run bench`: bundles the benchmark (scripts/bench/*.ts) with esbuild like run-app.js does,
// then runs it. It measures copies of the project; the working tree is only read.
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("../cached-bundle");

const root = path.resolve(__dirname, "..", "..");
const options = { platform: "node", target: "node20", format: "cjs", packages: "external" };
for (const name of ["main", "scaling-main"]) {
  bundleIfChanged({ root, entry: `scripts/bench/${name}.ts`, outfile: path.join(root, ".build", "bench", `${name}.js`), options });
}
process.argv.splice(2, 0, root);
require(path.join(root, ".build", "bench", "main.js"));
