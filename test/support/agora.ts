/**
 * Shared fixtures of the Agora client and activity tests: credentials that look like real secrets, the emulator, tiny
 * stub HTTP servers, a closed port, and a capture of every log line and thrown error, so each file can assert that no
 * configured secret ever appears in what it produced.
 */
import http from 'node:http';
import { inspect } from 'node:util';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { CloudRecordingClient, type AgoraLogger, type CloudRecordingClientOptions } from '../../src/agora/client';
import type { StorageProfile } from '../../src/activities/storage';

export const APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const CUSTOMER_ID = 'cust-4f1c2b9a7d';
export const CUSTOMER_SECRET = 'CUSTOMER-SECRET-Zx81pQ0vLm';
/** 32 hex characters, like a real App Certificate (agora-token refuses anything else). */
export const APP_CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b';
export const STORAGE_ACCESS_KEY = 'STORAGE-ACCESS-AKIA7Q2W9E';
export const STORAGE_SECRET_KEY = 'STORAGE-SECRET-wJalrXUtnFEMI';
export const STORAGE_STS_TOKEN = 'STORAGE-STS-FwoGZXIvYXdzEJr';
export const DECRYPTION_SECRET = 'RECORDING-DECRYPT-9c8b7a6f5e';

/** The Basic credential as sent on the wire. */
export const BASIC_TOKEN = Buffer.from(`${CUSTOMER_ID}:${CUSTOMER_SECRET}`).toString('base64');

/** Every value that must never appear in a log line or an error. */
export const SECRETS: readonly string[] = [
  CUSTOMER_SECRET,
  BASIC_TOKEN,
  APP_CERTIFICATE,
  STORAGE_ACCESS_KEY,
  STORAGE_SECRET_KEY,
  STORAGE_STS_TOKEN,
  DECRYPTION_SECRET,
];

/** The worker's storage profiles in tests. */
export const storageProfiles: Record<string, StorageProfile> = {
  main: {
    vendor: 1,
    region: 0,
    bucket: 'recordings',
    accessKey: STORAGE_ACCESS_KEY,
    secretKey: STORAGE_SECRET_KEY,
    stsToken: STORAGE_STS_TOKEN,
  },
};

/** The storageConfig a start body carries in client-level tests. */
export const storageConfig = { ...storageProfiles.main!, fileNamePrefix: ['rec', 'test'] };

/** Starts an emulator with the test credentials; QPS limit off unless asked (tests fire bursts on purpose). */
export function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({
    appId: APP_ID,
    customerId: CUSTOMER_ID,
    customerSecret: CUSTOMER_SECRET,
    qpsLimit: 0,
    ...overrides,
  });
}

/** Collects log lines and thrown errors, and checks them for secrets. */
export class Capture {
  readonly lines: string[] = [];
  readonly errors: unknown[] = [];

  /** A client logger writing JSON lines here. */
  readonly logger: AgoraLogger = {
    debug: (obj, msg) => this.lines.push(JSON.stringify({ level: 'debug', msg, ...obj })),
    warn: (obj, msg) => this.lines.push(JSON.stringify({ level: 'warn', msg, ...obj })),
  };

  /** A real pino logger (what the worker uses) writing into this capture. */
  pino(): pino.Logger {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.lines.push(chunk.toString('utf8'));
        done();
      },
    });
    return pino({ level: 'trace' }, sink);
  }

  /** A Temporal `Logger` (for MockActivityEnvironment) writing here. */
  readonly temporalLogger = {
    log: (level: string, message: string, meta?: Record<string, unknown>) =>
      this.lines.push(JSON.stringify({ level, message, ...meta })),
    trace: (message: string, meta?: Record<string, unknown>) => this.temporalLogger.log('TRACE', message, meta),
    debug: (message: string, meta?: Record<string, unknown>) => this.temporalLogger.log('DEBUG', message, meta),
    info: (message: string, meta?: Record<string, unknown>) => this.temporalLogger.log('INFO', message, meta),
    warn: (message: string, meta?: Record<string, unknown>) => this.temporalLogger.log('WARN', message, meta),
    error: (message: string, meta?: Record<string, unknown>) => this.temporalLogger.log('ERROR', message, meta),
  };

  /** Awaits `p`, which must reject; records and returns the error. */
  async rejection(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (err) {
      this.errors.push(err);
      return err;
    }
    throw new Error('expected a rejection');
  }

  /** Everything captured as text: log lines, and each error inspected deeply, JSON-serialised and with its stack. */
  text(): string {
    const errs = this.errors.map((e) => {
      const asRecord = e as { stack?: unknown; cause?: unknown };
      return [
        inspect(e, { depth: Infinity, showHidden: true }),
        safeJson(e),
        String(asRecord.stack),
        inspect(asRecord.cause, { depth: Infinity }),
      ].join('\n');
    });
    return [...this.lines, ...errs].join('\n');
  }

  /** The configured secrets found in the captured text (expected: none). */
  leaks(): string[] {
    const text = this.text();
    return SECRETS.filter((s) => text.includes(s));
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}));
  } catch {
    return '';
  }
}

/** A client for the emulator (or any base URLs) logging into `capture`. */
export function testClient(
  baseUrl: string | readonly string[],
  capture: Capture,
  options: Partial<CloudRecordingClientOptions> = {},
): CloudRecordingClient {
  return new CloudRecordingClient({
    appId: APP_ID,
    customerId: CUSTOMER_ID,
    customerSecret: CUSTOMER_SECRET,
    baseUrl,
    logger: capture.logger,
    failoverDelayMs: 50,
    secrets: [STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, STORAGE_STS_TOKEN, DECRYPTION_SECRET, APP_CERTIFICATE],
    ...options,
  });
}

/** A stub HTTP server; `handler` sees every request. @returns its base URL and a close function. */
export async function startStub(
  handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void,
): Promise<{
  baseUrl: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** Sends a JSON answer. */
export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

/** A base URL on which nothing listens (connections are refused): a port taken, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return `http://127.0.0.1:${port}`;
}

/**
 * A valid mix start clientRequest (https://docs.agora.io/en/cloud-recording/rest-api/start), carrying storage keys and
 * a decryption secret.
 */
export function mixClientRequest() {
  return {
    recordingConfig: {
      channelType: 0 as const,
      streamTypes: 2 as const,
      maxIdleTime: 30,
      decryptionMode: 1,
      secret: DECRYPTION_SECRET,
      transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 as const },
    },
    recordingFileConfig: { avFileType: ['hls' as const, 'mp4' as const] },
    storageConfig,
  };
}
