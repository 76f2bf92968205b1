/** Numbers typed by people (options, environment): plain decimal only (src/config/numbers.ts). */
import { integerOption, plainDecimal, positiveOption } from '../../src/config/numbers';

test('plainDecimal takes digits with an optional fraction, nothing Number() would also take', () => {
  expect(plainDecimal('12')).toBe(12);
  expect(plainDecimal(' 0.5 ')).toBe(0.5);
  expect(plainDecimal('007')).toBe(7);
  for (const bad of ['', ' ', '1e1', '0x10', '0b11', '-1', '+1', '1_000', '1,000', '.5', '5.', 'Infinity', 'NaN']) {
    expect(plainDecimal(bad)).toBeUndefined();
  }
});

test('integerOption and positiveOption refuse what they cannot mean', () => {
  expect(integerOption(1)('100')).toBe(100);
  expect(integerOption()('0')).toBe(0);
  for (const bad of ['0', '1.5', '1e2', 'abc']) {
    expect(() => integerOption(1)(bad)).toThrow('must be an integer of at least 1, in plain decimal');
  }
  expect(positiveOption('2.5')).toBe(2.5);
  for (const bad of ['0', '-1', '1e1']) expect(() => positiveOption(bad)).toThrow('must be a number above 0');
});
