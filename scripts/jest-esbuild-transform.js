// Jest transform: TypeScript -> CommonJS with esbuild (the same compiler `npm run synth` uses).
// Type checking is not its job: `npm test` runs `tsc` first. Chosen over @swc/jest because
// @swc/core's per-platform binaries are not all on the registry this project installs from,
// which breaks `npm ci`; esbuild is already a dependency.
"use strict";
const { transformSync } = require("esbuild");
const { createHash } = require("node:crypto");
const { version } = require("esbuild/package.json");

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcefile: filename,
      sourcemap: "inline",
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return createHash("sha256").update(version).update(filename).update("\0").update(source).digest("hex");
  },
};
