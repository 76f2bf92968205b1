/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The heavy fault scenarios (test/faults/*.faults.test.ts) run only in `npm run test:faults` (docs/reliability.md).
  testPathIgnorePatterns: ['/node_modules/', '\\.faults\\.test\\.ts$'],
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  testTimeout: 120_000,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
