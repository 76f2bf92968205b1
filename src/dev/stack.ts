/**
 * The local stack that the demo, the bench and the tests start: the Temporal dev server
 * (`.tools/bin/temporal server start-dev`, search attributes AgoraChannel / AgoraSid / RecordingStatus registered), the
 * Agora emulator (signing its NCS notifications) unless the real Agora API is asked for, the NCS receiver and the
 * worker, each a child process in its own process group with its log in `{workDir}/logs/`. With `temporalAddress` it uses
 * a Temporal server that is already running instead: no dev server is started or stopped, and the missing search
 * attributes are registered there through the operator API.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { RecordingClient } from '../client';
import { loadTemporalConfig } from '../config';
import { searchAttributeKeys } from '../contract';
import { connectTemporal } from '../temporal/connection';
import { freePort, portInUse } from './ports';
import { ensureAlive, root, spawnEntry, spawnLogged, stopProcessGroup, type Child } from './processes';
import { ensureSearchAttributes } from './search-attributes';
import { waitFor } from './wait';

/** Demo credentials for the emulator (never real ones). Exported for tests that scan output for secrets. */
export const EMULATED = {
  appId: '0123456789abcdef0123456789abcdef',
  customerId: 'demo-customer-id',
  customerSecret: 'demo-customer-secret',
  ncsSecret: 'demo-ncs-secret',
};

/**
 * The storage profile the demo worker has (emulator mode): `default`, the name the README's examples use. `demo` is
 * the same profile under its earlier name.
 */
export const DEMO_STORAGE_PROFILE = 'default';

/** Options of {@link startStack}. Ports default to free ones, except Temporal's 7233 / UI 8233 in the CLI. */
export interface StackOptions {
  temporalPort?: number;
  uiPort?: number;
  /**
   * `host:port` of a Temporal server that is already running: used instead of starting a dev server (and left
   * running by stop()); the missing search attributes are registered there. TLS and API key from the TEMPORAL_*
   * variables. `temporalPort` and `uiPort` do not apply.
   */
  temporalAddress?: string;
  /** Namespace on `temporalAddress`. @default TEMPORAL_NAMESPACE, else `default` (always `default` on the dev server) */
  namespace?: string;
  /** Where child logs and the receiver's data go. @default a fresh temp directory */
  workDir?: string;
  /** Use the real Agora API (credentials from the environment) instead of the emulator. */
  realAgora?: boolean;
  /** Called for every step (human or JSON printing). */
  report?: (step: string, text: string, data?: Record<string, unknown>) => void;
  /** Extra flags for the emulator process (e.g. `--qps-limit 0`). Tests only. */
  emulatorArgs?: string[];
  /** Extra environment of the worker process. Tests only. */
  workerEnv?: Record<string, string>;
}

/** The running processes and how to reach them. */
export interface Stack {
  temporalAddress: string;
  namespace: string;
  /** The dev server's Web UI (undefined on an existing server: its UI address is not known). */
  uiUrl?: string;
  appId: string;
  /** Emulator base URL (undefined with the real Agora API). */
  emulatorUrl?: string;
  receiverUrl: string;
  metricsUrl: string;
  workDir: string;
  client: RecordingClient;
  /** Stops every child (SIGTERM, then SIGKILL after 10 s) and closes the client; an existing server keeps running. */
  stop(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL) to the worker's process group, waits for it to exit, then starts a new worker
   * process with the same environment and waits until it polls. For fault tests (test/faults).
   */
  restartWorker(signal?: NodeJS.Signals): Promise<void>;
}

/** Whether the environment names real Agora credentials and no base-URL override. */
export function realAgoraRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.AGORA_APP_ID && env.AGORA_CUSTOMER_ID && env.AGORA_CUSTOMER_SECRET && !env.AGORA_BASE_URL);
}

/**
 * Starts the dev server, the emulator (unless real Agora), the NCS receiver and the worker, each a child process, and
 * waits until each is ready.
 * @throws Error naming the process that failed and the tail of its log
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const report = o.report ?? (() => undefined);
  const workDir = o.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'agora-recording-demo-'));
  const logDir = path.join(workDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const children: Child[] = [];
  // Safety net: if this process dies without stop(), take the children (each in its own process group) with it.
  const killAll = () => {
    for (const c of children) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) {
        try {
          if (c.proc.pid !== undefined) process.kill(-c.proc.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  process.once('exit', killAll);
  let client: RecordingClient | undefined;
  let connection: Connection | undefined;
  const stop = async () => {
    await (client ? client.close() : connection?.close())?.catch(() => undefined);
    // Reverse order: worker and receiver first, the server last.
    for (const c of [...children].reverse()) await stopProcessGroup(c.proc);
  };

  try {
    let temporalAddress: string;
    let namespace = 'default';
    let uiUrl: string | undefined;
    let raw: Connection;
    if (o.temporalAddress) {
      // A server that is already running: connect with the project's settings (TLS, API key), register what is missing.
      const config = loadTemporalConfig({ ...process.env, TEMPORAL_ADDRESS: o.temporalAddress });
      temporalAddress = config.address;
      namespace = o.namespace ?? config.namespace;
      raw = connection = await connectTemporal(config, (options) =>
        Connection.connect({ ...options, connectTimeout: 10_000 }),
      );
      await raw.workflowService.getSystemInfo({});
      report(
        'temporal',
        `Temporal server on ${temporalAddress} (already running; it is left running), namespace ${namespace}`,
        {
          temporalAddress,
          namespace,
          existing: true,
        },
      );
      const attributes = await ensureSearchAttributes(raw, namespace);
      const said = [
        ...(attributes.registered.length ? [`registered ${attributes.registered.join(', ')}`] : []),
        ...(attributes.present.length ? [`already present ${attributes.present.join(', ')}`] : []),
      ];
      report('search-attributes', `search attributes on namespace ${namespace}: ${said.join('; ')}`, {
        registered: attributes.registered,
        present: attributes.present,
      });
    } else {
      const temporalPort = o.temporalPort ?? (await freePort());
      const uiPort = o.uiPort ?? (await freePort());
      for (const [what, port] of [
        ['Temporal port', temporalPort],
        ['UI port', uiPort],
      ] as const) {
        if (await portInUse(port)) {
          throw new Error(
            `${what} ${port} is in use (another demo with --keep?). Choose another with --temporal-port/--ui-port.`,
          );
        }
      }
      temporalAddress = `127.0.0.1:${temporalPort}`;
      const cli = process.env.TEMPORAL_CLI_PATH ?? path.join(root, '.tools/bin/temporal');
      if (!fs.existsSync(cli)) throw new Error(`${cli} not found: run \`bash scripts/install-temporal.sh\``);
      const server = spawnLogged(
        'temporal',
        cli,
        [
          'server',
          'start-dev',
          '--ip',
          '127.0.0.1',
          '--port',
          String(temporalPort),
          '--ui-port',
          String(uiPort),
          '--namespace',
          'default',
          ...searchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
          '--log-level',
          'warn',
        ],
        process.env,
        logDir,
      );
      children.push(server);
      const address = temporalAddress;
      raw = connection = await waitFor('the Temporal dev server', async () => {
        ensureAlive(server);
        const attempt = await Connection.connect({ address, connectTimeout: 1_000 });
        await attempt.workflowService.getSystemInfo({});
        return attempt;
      });
      uiUrl = `http://localhost:${uiPort}`;
      report('temporal', `Temporal dev server on ${temporalAddress}; Web UI ${uiUrl}`, { temporalAddress, uiUrl });
    }

    const realAgora = o.realAgora ?? realAgoraRequested();
    const appId = realAgora ? (process.env.AGORA_APP_ID ?? '') : EMULATED.appId;
    const ncsSecret = realAgora ? (process.env.NCS_SECRET ?? randomBytes(16).toString('hex')) : EMULATED.ncsSecret;
    const receiverPort = await freePort();
    const receiverUrl = `http://127.0.0.1:${receiverPort}/agora/ncs`;
    const baseEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      AGORA_APP_ID: appId,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };

    const receiver = spawnEntry(
      'receiver',
      'receiver/main',
      [],
      {
        ...baseEnv,
        NCS_SECRET: ncsSecret,
        RECEIVER_HOST: '127.0.0.1',
        RECEIVER_PORT: String(receiverPort),
        RECEIVER_DATA_DIR: path.join(workDir, 'receiver'),
      },
      logDir,
    );
    children.push(receiver);

    let emulatorUrl: string | undefined;
    let agoraEnv: Record<string, string>;
    if (realAgora) {
      agoraEnv = {};
      report('agora', 'using the REAL Agora Cloud Recording API (AGORA_* credentials set, no AGORA_BASE_URL)');
    } else {
      const emulator = spawnEntry(
        'emulator',
        'emulator/main',
        ['--port', String(await freePort()), '--callback-url', receiverUrl, ...(o.emulatorArgs ?? [])],
        // Credentials through the environment, not argv (which `ps` shows to every user).
        {
          ...process.env,
          AGORA_APP_ID: EMULATED.appId,
          AGORA_CUSTOMER_ID: EMULATED.customerId,
          AGORA_CUSTOMER_SECRET: EMULATED.customerSecret,
          AGORA_NCS_SECRET: ncsSecret,
        },
        logDir,
      );
      children.push(emulator);
      emulatorUrl = await waitFor('the Agora emulator', () => {
        ensureAlive(emulator);
        const line = emulator
          .output()
          .split('\n')
          .find((l) => l.includes('agora emulator listening'));
        return Promise.resolve(line ? (JSON.parse(line) as { baseUrl: string }).baseUrl : undefined);
      });
      agoraEnv = {
        AGORA_BASE_URL: emulatorUrl,
        AGORA_CUSTOMER_ID: EMULATED.customerId,
        AGORA_CUSTOMER_SECRET: EMULATED.customerSecret,
        STORAGE_PROFILES: JSON.stringify(
          Object.fromEntries(
            [DEMO_STORAGE_PROFILE, 'demo'].map((name) => [
              name,
              {
                vendor: 1,
                region: 0,
                bucket: 'demo-bucket',
                accessKey: 'demo-access-key',
                secretKey: 'demo-secret-key',
              },
            ]),
          ),
        ),
      };
      report('emulator', `Agora emulator on ${emulatorUrl} (NCS → ${receiverUrl}, signed)`, { emulatorUrl });
    }

    await waitFor('the NCS receiver', async () => {
      ensureAlive(receiver);
      const res = await fetch(`http://127.0.0.1:${receiverPort}/healthz`);
      return res.ok ? true : undefined;
    });
    report('receiver', `NCS receiver on ${receiverUrl}`, { receiverUrl });

    const metricsPort = await freePort();
    const workerEnv = { ...baseEnv, ...agoraEnv, METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`, ...o.workerEnv };
    const startWorker = async (): Promise<Child> => {
      const from = fs.existsSync(path.join(logDir, 'worker.log'))
        ? fs.statSync(path.join(logDir, 'worker.log')).size
        : 0;
      const worker = spawnEntry('worker', 'worker', [], workerEnv, logDir);
      children.push(worker);
      await waitFor(
        'the worker',
        () => {
          ensureAlive(worker);
          return Promise.resolve(worker.output().slice(from).includes('"worker running"') ? true : undefined);
        },
        120_000,
      );
      return worker;
    };
    let worker = await startWorker();
    const restartWorker = async (signal: NodeJS.Signals = 'SIGKILL') => {
      const exited = new Promise<void>((r) =>
        worker.proc.once('exit', () => {
          r();
        }),
      );
      if (worker.proc.exitCode === null && worker.proc.signalCode === null) {
        if (worker.proc.pid !== undefined) process.kill(-worker.proc.pid, signal);
        await exited;
      }
      children.splice(children.indexOf(worker), 1);
      worker = await startWorker();
    };
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    report('worker', `worker polling task queue agora-recording; Prometheus metrics ${metricsUrl}`, { metricsUrl });

    client = new RecordingClient({ client: new Client({ connection: raw, namespace }), appId });
    return {
      temporalAddress,
      namespace,
      ...(uiUrl ? { uiUrl } : {}),
      appId,
      ...(emulatorUrl ? { emulatorUrl } : {}),
      receiverUrl,
      metricsUrl,
      workDir,
      client,
      stop,
      restartWorker,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
