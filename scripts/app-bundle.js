// How the app (main.ts) is bundled: used by run-app.js before every synth, and by the test
// setup, which builds it once so that project copies reuse it (cached-bundle.js stamps).
"use strict";
const path = require("node:path");
const { bundleIfChanged } = require("./cached-bundle");

/**
 * Makes sure `<root>/.build/main.js` is the current bundle of the app.
 * @param {string} root the project root
 * @returns {{ outfile: string, rebuilt: boolean }}
 */
function ensureAppBundle(root) {
  const outfile = path.join(root, ".build", "main.js");
  const rebuilt = bundleIfChanged({
    root,
    entry: "main.ts",
    outfile,
    // Dependencies are bundled too: one file to compile instead of ~650 to resolve, stat and read
    // (about a third of the process's CPU time; README, Performance). The two Go wasm parsers stay
    // external: they load their .wasm files relative to their own directory.
    options: {
      platform: "node",
      target: "node20",
      format: "cjs",
      external: ["@cdktf/hcl2json", "@cdktf/hcl-tools"],
      alias: { archiver: "./scripts/lazy-archiver.js" },
      // A third smaller bundle (2.8 MB instead of 4.1) keeps the peak about 10 MB lower. Names are
      // kept, so an internal error's stack trace still names every function; the bundle is a local
      // build artefact, never distributed, so license comments stay in node_modules.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: "none",
    },
  });
  return { outfile, rebuilt };
}

module.exports = { ensureAppBundle };
