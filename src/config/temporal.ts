/**
 * The Temporal connection settings every process reads (address, namespace, task queue, TLS and the API key). The
 * connection options built from them live in src/temporal/.
 */
import { z } from 'zod';
import { defaultTaskQueue } from '../contract/recording';
import { bool, ConfigError, optionalText, parseEnv, type Env } from './env';

/** Temporal connection settings shared by every entry point. */
export const temporalConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(defaultTaskQueue),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_API_KEY: optionalText,
});

/** Temporal connection settings, typed. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** TLS on/off; client cert and key are PEM file paths for mTLS. */
  tls: false | { clientCertPath?: string; clientKeyPath?: string };
  apiKey?: string;
}

/** Reads the Temporal connection settings. @throws ConfigError naming the bad variables. */
export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const e = parseEnv(temporalConfigSchema, env);
  // A client certificate without its key (or the reverse) would silently connect without mTLS: refuse it.
  if (!!e.TEMPORAL_TLS_CERT_PATH !== !!e.TEMPORAL_TLS_KEY_PATH) {
    const [set, missing] = e.TEMPORAL_TLS_CERT_PATH
      ? ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH']
      : ['TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CERT_PATH'];
    throw new ConfigError([`${missing}: is required when ${set} is set (mTLS needs both the certificate and the key)`]);
  }
  const useTls = e.TEMPORAL_TLS || !!e.TEMPORAL_API_KEY || !!e.TEMPORAL_TLS_CERT_PATH;
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    tls: useTls
      ? {
          ...(e.TEMPORAL_TLS_CERT_PATH ? { clientCertPath: e.TEMPORAL_TLS_CERT_PATH } : {}),
          ...(e.TEMPORAL_TLS_KEY_PATH ? { clientKeyPath: e.TEMPORAL_TLS_KEY_PATH } : {}),
        }
      : false,
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
}
