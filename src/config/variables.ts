/**
 * The catalogue of environment variables: every variable the project reads, with its default and help text, in README
 * order. The README's configuration table documents the same list (the README test checks they agree); `--help` prints
 * each entry point's part of it, and {@link describeConfig} gives a loggable view of a loaded configuration with every
 * secret replaced.
 */
import { isSecretKey, REDACTED } from '../agora/redact';
import { defaultTaskQueue } from '../contract/recording';
import type { ReceiverConfig } from './receiver';
import type { WorkerConfig } from './worker';

/** A variable's documentation: name, default (as text), meaning. Used by the README table and `--help` output. */
export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
  secret?: boolean;
}

/** Every environment variable the project reads, in README order. */
export const configVariables: readonly ConfigVariable[] = [
  { name: 'TEMPORAL_ADDRESS', default: 'localhost:7233', description: 'Temporal frontend host:port.' },
  { name: 'TEMPORAL_NAMESPACE', default: 'default', description: 'Temporal namespace.' },
  { name: 'TEMPORAL_TASK_QUEUE', default: defaultTaskQueue, description: 'Task queue of the recording workflows.' },
  {
    name: 'TEMPORAL_TLS',
    default: 'false',
    description: 'Use TLS to reach Temporal (on anyway when TEMPORAL_API_KEY or TEMPORAL_TLS_CERT_PATH is set).',
  },
  {
    name: 'TEMPORAL_TLS_CERT_PATH',
    default: '(none)',
    description: 'mTLS client certificate (PEM file); switches TLS on; needs TEMPORAL_TLS_KEY_PATH.',
  },
  {
    name: 'TEMPORAL_TLS_KEY_PATH',
    default: '(none)',
    description: 'mTLS client key (PEM file); needs TEMPORAL_TLS_CERT_PATH.',
  },
  { name: 'TEMPORAL_API_KEY', default: '(none)', description: 'Temporal Cloud API key.', secret: true },
  { name: 'AGORA_APP_ID', default: '(required)', description: 'Agora App ID of the channels recorded.' },
  {
    name: 'AGORA_CUSTOMER_ID',
    default: '(required by the worker)',
    description: 'RESTful API customer ID (Basic auth).',
  },
  {
    name: 'AGORA_CUSTOMER_SECRET',
    default: '(required by the worker)',
    description: 'RESTful API customer secret (Basic auth).',
    secret: true,
  },
  {
    name: 'AGORA_APP_CERTIFICATE',
    default: '(none)',
    description: 'App Certificate; when set, the worker mints recorder RTC tokens.',
    secret: true,
  },
  {
    name: 'AGORA_BASE_URL',
    default: '(none: Agora regional domains)',
    description: 'Override of the Agora REST base URL, e.g. the emulator `http://127.0.0.1:9080`.',
  },
  { name: 'AGORA_AREA', default: 'US', description: 'Agora area for regional domains and failover: US, EU, AP, CN.' },
  {
    name: 'AGORA_NCS_CONFIGURED',
    default: 'true',
    description:
      "Whether Agora's NCS reaches this deployment (the receiver). `false`: recordings query Agora every 2 min, Agora's polling guidance, instead of every `healthCheckIntervalSeconds`.",
  },
  {
    name: 'AGORA_REQUESTS_PER_SECOND',
    default: '10',
    description:
      "Agora requests per second from this worker process (Agora's limit is 10 per App ID: with several workers on one App ID, divide it among them).",
  },
  {
    name: 'STORAGE_PROFILES',
    default: '{}',
    description:
      'JSON map profile name → storageConfig (vendor, region, bucket, accessKey, secretKey, ...). Also `STORAGE_PROFILE_<NAME>_<FIELD>`.',
    secret: true,
  },
  {
    name: 'ENCRYPTION_PROFILES',
    default: '{}',
    description:
      'JSON map profile name → channel decryption (`decryptionMode` 1..8, `secret`, optional `salt`), named by `encryptionProfile` in the input.',
    secret: true,
  },
  {
    name: 'WORKER_MAX_CONCURRENT_ACTIVITIES',
    default: '50',
    description: 'Activities one worker runs at once (Agora calls are short HTTP requests).',
  },
  {
    name: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    default: '10',
    description:
      "Workflow tasks one worker runs at once (at least 2; the SDK's default is 40). Few keeps a backlog in Temporal instead of between an acquire and its start (more gives a saturated worker more start throughput and a longer gap).",
  },
  {
    name: 'WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS',
    default: '4',
    description:
      "(Or the total − 1 when that is smaller.) Of those, tasks from the shared task queue at once: mostly recordings' first tasks (create, acquire). Few keeps a burst of new recordings waiting in Temporal, before the acquire, so each acquired resourceId reaches start quickly while running recordings keep the other slots.",
  },
  {
    name: 'WORKER_SHUTDOWN_GRACE_TIME',
    default: '30s',
    description: 'On SIGINT/SIGTERM, how long running activities may finish before they are cancelled.',
  },
  {
    name: 'WORKFLOW_BUNDLE_PATH',
    default: '(lib/workflow-bundle.js when the worker runs from lib/)',
    description: 'Prebuilt workflow bundle; without it the worker bundles src/workflows at start.',
  },
  {
    name: 'METRICS_BIND_ADDRESS',
    default: '0.0.0.0:9464',
    description: 'Prometheus scrape address of the worker (`/metrics`); empty disables.',
  },
  {
    name: 'NCS_SECRET',
    default: '(required by the receiver)',
    description: 'NCS secret from the Agora console (signature key).',
    secret: true,
  },
  { name: 'RECEIVER_HOST', default: '0.0.0.0', description: 'NCS receiver listen address.' },
  { name: 'RECEIVER_PORT', default: '8080', description: 'NCS receiver listen port.' },
  { name: 'RECEIVER_PATH', default: '/agora/ncs', description: 'Path Agora posts notifications to.' },
  { name: 'RECEIVER_BODY_LIMIT_BYTES', default: '65536', description: 'Largest notification body accepted (413).' },
  {
    name: 'RECEIVER_DATA_DIR',
    default: './data',
    description: 'Directory of the receiver spool (`ncs-spool.jsonl`) and dead-letter log (`ncs-dead-letter.jsonl`).',
  },
  {
    name: 'RECEIVER_DELIVERY_DEADLINE',
    default: '1h',
    description: 'How long an accepted notification is retried against Temporal before it is dead-lettered.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: trace, debug, info, warn, error, fatal, silent.' },
];

/** The entry points that read the environment. */
export type EntryPoint = 'worker' | 'receiver' | 'client';

/** The variables an entry point reads, in README order. */
export function variablesOf(entry: EntryPoint): ConfigVariable[] {
  const reads: Record<EntryPoint, (name: string) => boolean> = {
    worker: (n) =>
      /^(TEMPORAL_|AGORA_|WORKER_)/.test(n) ||
      ['STORAGE_PROFILES', 'ENCRYPTION_PROFILES', 'WORKFLOW_BUNDLE_PATH', 'METRICS_BIND_ADDRESS', 'LOG_LEVEL'].includes(
        n,
      ),
    receiver: (n) => /^(TEMPORAL_|RECEIVER_)/.test(n) || ['AGORA_APP_ID', 'NCS_SECRET', 'LOG_LEVEL'].includes(n),
    client: (n) => /^TEMPORAL_/.test(n) || ['AGORA_APP_ID', 'STORAGE_PROFILES'].includes(n),
  };
  return configVariables.filter((v) => reads[entry](v.name));
}

/** `--help` text: the environment variables of an entry point with their defaults (no values, so no secrets). */
export function environmentHelp(entry: EntryPoint): string {
  const vars = variablesOf(entry);
  const width = Math.max(...vars.map((v) => v.name.length));
  const lines = vars.map(
    (v) =>
      `  ${v.name.padEnd(width)}  ${v.description}` +
      (v.default === '(none)' ? '' : v.default.startsWith('(') ? ` ${v.default}` : ` Default: ${v.default}.`) +
      (v.secret ? ' Secret.' : ''),
  );
  return `\nEnvironment (README "Configuration"):\n${lines.join('\n')}\n`;
}

/**
 * A loggable copy of a configuration object: every secret field (the keys of src/agora/redact.ts `secretKeyNames`,
 * among them every storage profile's keys) replaced by `[REDACTED]`. Use it for the one "configuration loaded" log line of each entry point.
 */
export function describeConfig(config: WorkerConfig | ReceiverConfig): unknown {
  const walk = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSecretKey(k) ? REDACTED : walk(x)]));
  };
  return walk(config);
}
