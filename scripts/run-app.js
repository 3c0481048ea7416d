#!/usr/bin/env node
// Runs the CDKTF app (main.ts) without ts-node: esbuild bundles it into .build/main.js (about
// 0.1 s, and only when a source changed: see cached-bundle.js), where ts-node costs seconds.
// Type checking is `npm run typecheck` (part of npm test).
// Used by both `npm run synth` and `cdktf synth` (cdktf.json "app"), so both write the same files.
"use strict";
const path = require("node:path");
const v8 = require("node:v8");
const { bundleIfChanged } = require("./cached-bundle");

// The tfvars parser (@cdktf/hcl2json) is HashiCorp's Go HCL parser compiled to a 6.5 MB wasm
// module. V8 compiles it with its baseline compiler (Liftoff), then recompiles it with TurboFan
// in the background; for one small file that second pass costs ~0.2 s of CPU and ~65 MB of
// memory and never pays off (docs/performance.md). Liftoff code is only slower, not different.
v8.setFlagsFromString("--liftoff-only");
// package.json and cdktf.json also start node with --max-semi-space-size=2: a 2 MB young
// generation (instead of 16 MB) keeps the peak about 15 MB lower at no measured cost in time.
// Heap sizes are fixed when the isolate starts, so unlike the flag above it cannot be set here.

const root = path.resolve(__dirname, "..");
const outfile = path.join(root, ".build", "main.js");
bundleIfChanged({
  root,
  entry: "main.ts",
  outfile,
  options: { platform: "node", target: "node20", format: "cjs", packages: "external" },
});
require(outfile);
