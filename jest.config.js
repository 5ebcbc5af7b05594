/** Unit tests run everywhere; integration tests need a Docker engine (see test/integration/README.md). */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
};
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/integration/"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/test/setup-integration.ts"],
    },
  ],
};
