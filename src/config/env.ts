/**
 * Reading the environment: the error every loader throws, the parse step (empty means unset), and the field types the
 * loaders share (durations, booleans, plain decimals, ports, optional text, the log level).
 */
import { z } from 'zod';
import { plainDecimal } from './numbers';

/** The environment as read: `process.env`, or a plain object in tests. */
export type Env = Record<string, string | undefined>;

/** Thrown when the environment is invalid. Lists variable names and problems, never values. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `30s`, `2m`, `1h`, `500ms` or a bare number of milliseconds. @returns milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new Error('must be a duration such as 500ms, 30s, 2m or 1h');
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h']);
}

/** A duration variable (`30s`, `2m`, `1h`, `500ms`, bare milliseconds) → milliseconds. */
export const duration = z.string().transform((s, ctx) => {
  try {
    return parseDurationMs(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
/** A boolean variable: true/1/yes or false/0/no. */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((s) => s === 'true' || s === '1' || s === 'yes');
/** A number in plain decimal ("12", "0.5"), see ./numbers.ts; z.coerce.number would also take "1e1" or "0x10". */
export const decimal = z.string().transform((s, ctx) => {
  const n = plainDecimal(s);
  if (n === undefined) ctx.addIssue({ code: 'custom', message: 'must be a plain decimal number (e.g. 10 or 0.5)' });
  return n ?? z.NEVER;
});
/** A TCP port, 0..65535. */
export const port = decimal.pipe(z.number().int().min(0).max(65_535));
/** Text that counts as unset when blank; trimmed. */
export const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

/** pino's levels, as LOG_LEVEL names them. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
/** LOG_LEVEL, `info` by default. */
export const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info');

/**
 * Parses the environment with one loader's schema.
 * @throws ConfigError listing each bad or missing variable by name (never its value).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  // Empty strings count as unset, as in most .env tooling (docker-compose passes `VAR=` for unset values).
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const r = schema.safeParse(cleaned);
  if (!r.success) {
    // Issue messages name the variable; zod issue messages here never echo the input value.
    throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return r.data;
}
