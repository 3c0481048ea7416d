/** @type {import('jest').Config} Opt-in mesh test in network namespaces: `npm run test:netns` (root, wireguard-go, about 30 s). */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/__netns__"],
  testTimeout: 5 * 60 * 1000,
};
