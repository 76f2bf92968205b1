/**
 * The project's structured logger (pino, JSON lines on stdout). One per process, named after the entry point.
 * Credential-named keys are censored by pino's redaction wherever they appear in the first levels of a log object,
 * as a second guard: callers log ids and outcomes, never request bodies or configuration values.
 */
import pino, { type Logger } from 'pino';
import { secretKeyNames } from '../agora/redact';
import type { LogLevel } from '../config';

export type { Logger };

/** Paths redacted in every log line: the secret key names at the top level and up to three levels deep. */
const redactPaths = secretKeyNames.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/**
 * Creates the process logger.
 * @param name the component, e.g. `worker`, `receiver`, `demo`; becomes the `name` field of every line
 * @param level minimum level, default `info`
 */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[REDACTED]' } });
}
