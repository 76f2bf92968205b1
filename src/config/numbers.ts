/**
 * Numbers typed by people (command-line options, environment variables): plain decimal only. `Number()` would also
 * take "1e1", "0x10", "0b11" or " " (0), which nobody means for a port, a limit or a rate.
 */
import { InvalidArgumentError } from 'commander';

/**
 * The value of a plain decimal ("12", "0.5"; surrounding spaces allowed).
 * @returns the number, or undefined when the text is anything else (sign, exponent, hex, separators, blank)
 */
export function plainDecimal(text: string): number | undefined {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}

/**
 * A commander option parser for integers of at least `min`.
 * @throws InvalidArgumentError (commander prints it with the option's name) for anything else
 */
export function integerOption(min = 0): (v: string) => number {
  return (v) => {
    const n = plainDecimal(v);
    if (n === undefined || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be an integer of at least ${min}, in plain decimal`);
    }
    return n;
  };
}

/**
 * A commander option parser for numbers above 0 (fractions allowed).
 * @throws InvalidArgumentError for anything else
 */
export function positiveOption(v: string): number {
  const n = plainDecimal(v);
  if (n === undefined || !(n > 0)) throw new InvalidArgumentError('must be a number above 0, in plain decimal');
  return n;
}
