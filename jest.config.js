/** Unit tests run everywhere; integration tests need a Docker engine (see test/integration/README.md). */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
};
module.exports = {
  // One worker: the real-engine suites share one dockerd and must not overlap (the Docker-host and
  // Swarm iii stacks both publish 443/80, and swarm init/leave rewrites the engine's iptables rules
  // under the Docker-host suite's host-firewall test).
  maxWorkers: 1,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/integration/", "<rootDir>/test/consumer/"],
    },
    // npm pack + a fresh consumer project installed from the registry cache: about a minute (test/consumer).
    { ...common, displayName: "consumer", testMatch: ["<rootDir>/test/consumer/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/test/setup-integration.ts"],
    },
  ],
};
