/** @type {import('jest').Config} Opt-in end-to-end boot test: `npm run test:boot` (about 10 minutes, root, network). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__boot__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild-transform.js" },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 45 * 60 * 1000,
};
