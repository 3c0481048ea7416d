// Jest test sequencer: longest files first, so the two workers of a 2-core machine finish
// together instead of one of them starting a 30 s file at the end. Jest's own sequencer does this
// from the durations it cached in an earlier run, but a clean clone (CI) has no cache and jest
// then orders by file size, which says little here: the slow files are the ones that run real
// Terraform, the app or the cdktf CLI. So a file's expected duration is the cached one when
// there is one, else the rough CPU seconds below (measured on the 2-core machine, 2026-11-30),
// else a guess from its size. Files that failed last time still go first, as with jest's own.
"use strict";
const { statSync } = require("node:fs");
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

/** Test file name -> seconds of CPU it takes alone. Only the slow ones; the rest take 1-5 s. */
const KNOWN_SECONDS = {
  "drift.test.ts": 37,
  "synth-output.test.ts": 34,
  "offline-terraform.test.ts": 24,
  "edge-offline.test.ts": 20,
  "mesh-offline.test.ts": 19,
  "config-fuzz.test.ts": 19,
  "adopt-offline.test.ts": 18,
  "hostile-values.test.ts": 17,
  "key-rotation.test.ts": 16,
  "fake-cloud.test.ts": 15,
  "change-review-offline.test.ts": 15,
  "destroy-script.test.ts": 12,
  "stack-copy.test.ts": 11,
  "secret-canaries.test.ts": 10,
  "bad-input-corpus.test.ts": 10,
  "cdktf-offline.test.ts": 9,
  "command-line.test.ts": 8,
  "cloud-init-checkers.test.ts": 8,
  "cloudflared.test.ts": 6,
  "review-hcl.test.ts": 6,
};

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const expected = (test) => this.time(test) ?? (KNOWN_SECONDS[path.basename(test.path)] ?? sizeGuess(test.path)) * 1000;
    return [...tests].sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      return expected(b) - expected(a) || (a.path < b.path ? -1 : 1);
    });
  }
}

/** About a second per 8 kB of test source, at most 5 s: an unknown file is not assumed slow. */
function sizeGuess(file) {
  try {
    return Math.min(5, statSync(file).size / 8000);
  } catch {
    return 1;
  }
}

module.exports = LongestFirstSequencer;
