/** The NCS receiver's configuration: Temporal, the App ID and NCS secret, the HTTP listener, spool and delivery. */
import { z } from 'zod';
import { ConfigError, decimal, duration, logLevel, parseEnv, port, type Env, type LogLevel } from './env';
import { loadTemporalConfig, type TemporalConfig } from './temporal';

/** The NCS receiver's whole configuration. */
export interface ReceiverConfig {
  temporal: TemporalConfig;
  appId: string;
  ncsSecret: string;
  host: string;
  port: number;
  path: string;
  bodyLimitBytes: number;
  dataDir: string;
  /** Milliseconds an accepted notification is retried against Temporal before it is dead-lettered. */
  deliveryDeadlineMs: number;
  logLevel: LogLevel;
}

const receiverEnvSchema = z.object({
  AGORA_APP_ID: z.string({ error: 'is required' }).min(1),
  NCS_SECRET: z.string({ error: 'is required' }).min(1),
  RECEIVER_HOST: z.string().default('0.0.0.0'),
  RECEIVER_PORT: port.default(8080),
  RECEIVER_PATH: z.string().startsWith('/').default('/agora/ncs'),
  RECEIVER_BODY_LIMIT_BYTES: decimal.pipe(z.number().int().min(1024).max(10_485_760)).default(65_536),
  RECEIVER_DATA_DIR: z.string().default('./data'),
  RECEIVER_DELIVERY_DEADLINE: duration.default(3_600_000),
  LOG_LEVEL: logLevel,
});

/** Reads the NCS receiver's configuration. @throws ConfigError naming each bad or missing variable. */
export function loadReceiverConfig(env: Env = process.env): ReceiverConfig {
  const problems: string[] = [];
  let temporal: TemporalConfig | undefined;
  let e: z.output<typeof receiverEnvSchema> | undefined;
  try {
    temporal = loadTemporalConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    e = parseEnv(receiverEnvSchema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (!temporal || !e) throw new ConfigError(problems);
  return {
    temporal,
    appId: e.AGORA_APP_ID,
    ncsSecret: e.NCS_SECRET,
    host: e.RECEIVER_HOST,
    port: e.RECEIVER_PORT,
    path: e.RECEIVER_PATH,
    bodyLimitBytes: e.RECEIVER_BODY_LIMIT_BYTES,
    dataDir: e.RECEIVER_DATA_DIR,
    deliveryDeadlineMs: e.RECEIVER_DELIVERY_DEADLINE,
    logLevel: e.LOG_LEVEL,
  };
}
