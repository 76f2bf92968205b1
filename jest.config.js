/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  testTimeout: 120_000,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
