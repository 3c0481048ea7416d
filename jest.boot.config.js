/** @type {import('jest').Config} Opt-in end-to-end boot test: `npm run test:boot` (about 14 minutes under TCG with a cached base image, root, network). */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/__boot__"],
  testTimeout: 45 * 60 * 1000,
};
