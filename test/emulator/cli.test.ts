/** The emulator's command line: the recorder start-up delay the benchmark sets (`--startup-ms`). */
import { buildCommand } from '../../src/emulator/main';

const parse = (...args: string[]) =>
  buildCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .parse(['node', 'emulator', ...args])
    .opts<{ startupMs: number }>();

test('--startup-ms sets the time from start to recorder_started; 0 by default', () => {
  expect(parse().startupMs).toBe(0);
  expect(parse('--startup-ms', '2000').startupMs).toBe(2000);
});

test('--startup-ms refuses a negative or fractional value, naming the flag', () => {
  expect(() => parse('--startup-ms', '-1')).toThrow(/--startup-ms must be a non-negative integer/);
  expect(() => parse('--startup-ms', '1.5')).toThrow(/--startup-ms must be a non-negative integer/);
});
