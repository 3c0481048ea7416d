#!/usr/bin/env node
// Runs offline-terraform/runner/cli.ts (tf:validate, tf:plan, deploy:local) through esbuild,
// like run-app.js does for main.ts.
"use strict";
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "offline-terraform.js");
esbuild.buildSync({
  entryPoints: [path.join(root, "offline-terraform", "runner", "cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  logLevel: "error",
});
require(outfile);
