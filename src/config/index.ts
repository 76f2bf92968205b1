/**
 * Environment → typed configuration (zod), loaded once at each entry point (worker, NCS receiver, client CLI, demo).
 * Secrets (Agora customer secret, App Certificate, NCS secret, storage keys, Temporal API key) live only in the objects
 * returned here; {@link describeConfig} gives a loggable view with every secret replaced.
 *
 * - `variables.ts`: the catalogue of variables with defaults and help text (README "Configuration", `--help`).
 * - `env.ts`: ConfigError, the parse step and the field types the loaders share.
 * - `numbers.ts`: plain-decimal numbers typed by people (environment and command-line options).
 * - `profiles.ts`: storage and encryption profiles.
 * - `temporal.ts`, `worker.ts`, `receiver.ts`: one loader per process (Temporal's settings are read by every one).
 */
export { ConfigError, parseDurationMs, type Env, type LogLevel } from './env';
export {
  encryptionProfileSchema,
  loadEncryptionProfiles,
  loadStorageProfiles,
  type EncryptionProfile,
  type StorageProfile,
} from './profiles';
export { loadReceiverConfig, type ReceiverConfig } from './receiver';
export { loadTemporalConfig, temporalConfigSchema, type TemporalConfig } from './temporal';
export {
  configVariables,
  describeConfig,
  environmentHelp,
  variablesOf,
  type ConfigVariable,
  type EntryPoint,
} from './variables';
export { loadWorkerConfig, type AgoraConfig, type WorkerConfig } from './worker';
