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

test('--startup-ms refuses a negative, fractional or non-decimal value, naming the flag', () => {
  for (const bad of ['-1', '1.5', '1e3', '0x10', 'soon']) {
    expect(() => parse('--startup-ms', bad)).toThrow(
      /option '--startup-ms <ms>' argument .* is invalid\. must be an integer of at least 0, in plain decimal/,
    );
  }
});
