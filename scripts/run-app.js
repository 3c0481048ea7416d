#!/usr/bin/env node
// Runs the CDKTF app (main.ts) without ts-node: esbuild bundles it with its dependencies into
// .build/main.js (about 0.5 s, and only when a source changed: see cached-bundle.js), where ts-node costs seconds.
// Type checking is `npm run typecheck` (part of npm test).
// Used by both `npm run synth` and `cdktf synth` (cdktf.json "app"), so both write the same files.
"use strict";
const path = require("node:path");
const v8 = require("node:v8");
const { ensureAppBundle } = require("./app-bundle");

// The tfvars parser (@cdktf/hcl2json) is HashiCorp's Go HCL parser compiled to a 6.5 MB wasm
// module. V8 compiles it with its baseline compiler (Liftoff), then recompiles it with TurboFan
// in the background; for one small file that second pass costs ~0.2 s of CPU and ~65 MB of
// memory and never pays off (docs/performance.md). Liftoff code is only slower, not different.
v8.setFlagsFromString("--liftoff-only");
// package.json and cdktf.json also start node with --max-semi-space-size=2: a 2 MB young
// generation (instead of 16 MB) keeps the peak about 15 MB lower at no measured cost in time.
// Heap sizes are fixed when the isolate starts, so unlike the flag above it cannot be set here.

const root = path.resolve(__dirname, "..");
// The tfvars parse is memoized by file content there (config/parse-cache.ts).
process.env.SYNTH_PARSE_CACHE_DIR = path.join(root, ".build", "parse-cache");
const { outfile, rebuilt } = ensureAppBundle(root);
requireWithCodeCache(outfile, `${outfile}.code-cache`, rebuilt);

/**
 * Loads the bundle as `require` would, but hands V8 the bytecode it compiled last time, so the
 * 3 MB bundle is not parsed and compiled again (~0.1 s of CPU). The cache is written when the
 * process exits (it then holds every function the synth ran), and whenever V8 rejects it (another
 * node version or V8 flags) or the bundle was rebuilt. It only changes how fast the code starts.
 */
function requireWithCodeCache(file, cacheFile, stale) {
  const fs = require("node:fs");
  const vm = require("node:vm");
  const Module = require("node:module");
  let cachedData;
  if (!stale) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {
        // Without a cache the next run compiles again; nothing else depends on it.
      }
    });
  }
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));
}
