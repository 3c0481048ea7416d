#!/usr/bin/env node
// Runs the CDKTF app (main.ts) without ts-node: esbuild transpiles it into one file in about
// 50 ms, where ts-node costs seconds. Type checking is `npm run typecheck` (part of npm test).
// Used by both `npm run synth` and `cdktf synth` (cdktf.json "app"), so both write the same files.
"use strict";
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "main.js");
esbuild.buildSync({
  entryPoints: [path.join(root, "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  logLevel: "error",
});
require(outfile);
