/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild-transform.js" },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
};
