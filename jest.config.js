/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild-transform.js" },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // Prints which optional checkers (terraform, shellcheck, wg, ...) are present and what they enable.
  globalSetup: "<rootDir>/__tests__/helpers/announce-checkers.ts",
};
