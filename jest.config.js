/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  // Stacks and tests import providers by resource path only; keep module resolution simple.
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
};
