/**
 * End-to-end test on govmomi's vCenter simulator: `npm run test:e2e`.
 * See e2e/README.md.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: __dirname,
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/\\.cache/", "/\\.work/"],
  modulePathIgnorePatterns: ["<rootDir>/\\.cache/", "<rootDir>/\\.work/"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  globalSetup: "<rootDir>/global-setup.ts",
  globalTeardown: "<rootDir>/global-teardown.ts",
  // One simulator and one Terraform at a time; the scenario's steps run in order.
  maxWorkers: 1,
  testTimeout: 600000,
  verbose: true,
};
