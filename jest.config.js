/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild-transform.js" },
  moduleFileExtensions: ["ts", "js", "json"],
  // As in the app's bundle (scripts/app-bundle.js): cdktf's archiver, which only zips archive
  // assets this app never makes, loads on first use. It was half of cdktf's load, in every file.
  moduleNameMapper: { "^archiver$": "<rootDir>/scripts/lazy-archiver.js" },
  testTimeout: 60000,
  // One worker per core, not jest's default of cores - 1: most files spend their time waiting for
  // child processes (terraform, the app, the checkers). On 2 cores the suite took 297-327 s with
  // one worker and 185 s with two (2026-11-30, docs/performance.md).
  maxWorkers: "100%",
  // Longest files first, also on a clean clone without jest's timing cache (see the file).
  testSequencer: "<rootDir>/scripts/jest-sequencer.js",
  // Prints which optional checkers (terraform, shellcheck, wg, ...) are present and what they enable,
  // and builds the offline Terraform emulator home that each test file copies (helpers/terraform.ts).
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  // cdktf's token stack captures skip source-map-support (see the file); errors keep it. Each
  // file's offline Terraform provider hosts stop when the file ends.
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/plain-stack-traces.ts", "<rootDir>/__tests__/helpers/stop-provider-hosts.ts"],
  globalTeardown: "<rootDir>/__tests__/helpers/global-teardown.ts",
};
