/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite's long part (test/faults/long/) runs only in `npm run test:faults`, which runs the whole suite
  // (docs/reliability.md).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/long/'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  testTimeout: 120_000,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
