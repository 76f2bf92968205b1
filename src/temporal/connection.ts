/**
 * The connection to Temporal, shared by the worker, the receiver and the client library / CLI: the connection options
 * (address, TLS or mTLS, API key) are built here once from the TEMPORAL_* configuration, and a server that cannot be
 * reached is reported as a {@link TemporalConnectionError} naming the address.
 *
 * This module imports `@temporalio/client` only: the worker passes its own connect function
 * (`NativeConnection.connect`) to {@link connectTemporal}, so the client library does not load the worker's native
 * runtime.
 */
import fs from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { loadTemporalConfig, type TemporalConfig } from '../config';

/** Temporal could not be reached: names the address and namespace; `cause` is the SDK's error. */
export class TemporalConnectionError extends Error {
  constructor(
    readonly address: string,
    readonly namespace: string,
    cause: unknown,
  ) {
    super(
      `cannot reach Temporal at ${address} (namespace ${namespace}; TEMPORAL_ADDRESS): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'TemporalConnectionError';
  }
}

/** The options both `Connection.connect` (client) and `NativeConnection.connect` (worker) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | true;
  apiKey?: string;
}

/**
 * The TLS option of a connection: undefined when TLS is off, the client certificate pair (read from its PEM files)
 * for mTLS, otherwise `true` (server-authenticated TLS).
 * @throws the file system's error when a certificate or key file cannot be read
 */
export function temporalTls(tls: TemporalConfig['tls']): TLSConfig | true | undefined {
  if (tls === false) return undefined;
  if (tls.clientCertPath && tls.clientKeyPath) {
    return { clientCertPair: { crt: fs.readFileSync(tls.clientCertPath), key: fs.readFileSync(tls.clientKeyPath) } };
  }
  return true;
}

/** The connection options of this configuration: address, TLS when configured, API key when set. */
export function temporalConnectionOptions(
  config: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey'>,
): TemporalConnectionOptions {
  const tls = temporalTls(config.tls);
  return {
    address: config.address,
    ...(tls ? { tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}

/**
 * Connects with `connect` (`Connection.connect`, or the worker's `NativeConnection.connect`) and this configuration's
 * options.
 * @throws TemporalConnectionError naming the address when the server cannot be reached
 */
export async function connectTemporal<C>(
  config: Pick<TemporalConfig, 'address' | 'namespace' | 'tls' | 'apiKey'>,
  connect: (options: TemporalConnectionOptions) => Promise<C>,
): Promise<C> {
  try {
    // Inside the try: an unreadable TLS file is a connection problem too (the worker always reported it so).
    return await connect(temporalConnectionOptions(config));
  } catch (e) {
    throw new TemporalConnectionError(config.address, config.namespace, e);
  }
}

/**
 * Connects a Temporal client with the project's connection settings (TEMPORAL_* variables).
 * @param config connection settings; read from the environment when omitted
 * @throws TemporalConnectionError naming the address when the server cannot be reached
 */
export async function connectClient(config: TemporalConfig = loadTemporalConfig()): Promise<Client> {
  const connection = await connectTemporal(config, (options) => Connection.connect(options));
  return new Client({ connection, namespace: config.namespace });
}
