/**
 * The one-command demo: `npm ci && npm run demo` (npm's script installs the Temporal binaries first).
 *
 * Starts, as separate child processes: the Temporal dev server (`.tools/bin/temporal server start-dev`, Web UI on
 * http://localhost:8233, search attributes AgoraChannel / AgoraSid / RecordingStatus registered), the Agora emulator
 * (signing its NCS notifications), the NCS receiver and the worker. Then it runs one recording through its life —
 * start; a participant joins; a layout update; stop; the upload notification — printing each step as it happens and
 * the final result, stops everything and exits 0.
 *
 * Flags: `--keep` leaves everything running (explore the recording in the UI; Ctrl-C stops it all); `--json` prints
 * one JSON object per step instead of text; `--temporal-port`, `--ui-port` choose the dev server's ports.
 * With AGORA_APP_ID, AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET set and no AGORA_BASE_URL, the worker drives the real
 * Agora API instead of the emulator (storage from STORAGE_PROFILES; the participant step is then up to you).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { integerOption } from './config/numbers';
import { Client, Connection } from '@temporalio/client';
import { NcsEvent } from './agora/notifications';
import { RecordingClient, type StartRecordingInput } from './client';
import { searchAttributeKeys, type MixLayout, type RecordingResult, type RecordingStatus } from './contract';

const root = path.resolve(__dirname, '..');
const compiled = __filename.endsWith('.js');

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
  uiUrl: string;
  appId: string;
  /** Emulator base URL (undefined with the real Agora API). */
  emulatorUrl?: string;
  receiverUrl: string;
  metricsUrl: string;
  workDir: string;
  client: RecordingClient;
  /** Stops every child (SIGTERM, then SIGKILL after 10 s) and closes the client. */
  stop(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL) to the worker's process group, waits for it to exit, then starts a new worker
   * process with the same environment and waits until it polls. For fault tests (test/faults).
   */
  restartWorker(signal?: NodeJS.Signals): Promise<void>;
}

const handedOut = new Set<number>();

/**
 * A port nobody listens on right now, never the same one twice in this process (a port is free again as soon as it
 * is handed out, until its user binds it).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `f` until it returns a value other than undefined, or throws after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

interface Child {
  name: string;
  proc: ChildProcess;
  log: string;
  output: () => string;
}

/** Spawns a TypeScript entry point of this project (tsx in development, node on lib/ when compiled). */
function spawnEntry(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
  const file = compiled ? path.join(__dirname, `${entry}.js`) : path.join(root, 'src', `${entry}.ts`);
  const nodeArgs = compiled ? [file, ...args] : ['--import', 'tsx', file, ...args];
  return spawnLogged(name, process.execPath, nodeArgs, env, logDir);
}

function spawnLogged(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'a');
  // detached: its own process group, so stop() can signal the whole group and Ctrl-C in the terminal reaches us only.
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  return { name, proc, log, output: () => fs.readFileSync(log, 'utf8') };
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.proc.once('exit', () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-c.proc.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function ensureAlive(c: Child): void {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) {
    const tail = c.output().split('\n').slice(-15).join('\n');
    throw new Error(`${c.name} exited (${c.proc.exitCode ?? c.proc.signalCode}); last lines of ${c.log}:\n${tail}`);
  }
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
          process.kill(-c.proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  process.once('exit', killAll);
  let client: RecordingClient | undefined;
  const stop = async () => {
    await client?.close().catch(() => undefined);
    // Reverse order: worker and receiver first, the server last.
    for (const c of [...children].reverse()) await stopChild(c);
  };

  try {
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
    const temporalAddress = `127.0.0.1:${temporalPort}`;
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
    const raw = await waitFor('the Temporal dev server', async () => {
      ensureAlive(server);
      const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    });
    const uiUrl = `http://localhost:${uiPort}`;
    report('temporal', `Temporal dev server on ${temporalAddress}; Web UI ${uiUrl}`, { temporalAddress, uiUrl });

    const realAgora = o.realAgora ?? realAgoraRequested();
    const appId = realAgora ? process.env.AGORA_APP_ID! : EMULATED.appId;
    const ncsSecret = realAgora ? (process.env.NCS_SECRET ?? randomBytes(16).toString('hex')) : EMULATED.ncsSecret;
    const receiverPort = await freePort();
    const receiverUrl = `http://127.0.0.1:${receiverPort}/agora/ncs`;
    const baseEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      AGORA_APP_ID: appId,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };

    const receiver = spawnEntry(
      'receiver',
      'callbacks/main',
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
      const exited = new Promise<void>((r) => worker.proc.once('exit', () => r()));
      if (worker.proc.exitCode === null && worker.proc.signalCode === null) {
        process.kill(-worker.proc.pid!, signal);
        await exited;
      }
      children.splice(children.indexOf(worker), 1);
      worker = await startWorker();
    };
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    report('worker', `worker polling task queue agora-recording; Prometheus metrics ${metricsUrl}`, { metricsUrl });

    client = new RecordingClient({ client: new Client({ connection: raw, namespace: 'default' }), appId });
    return {
      temporalAddress,
      uiUrl,
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

/** The names of NCS events, for printing. */
const eventNames: Record<number, string> = {
  1: 'cloud_recording_error',
  3: 'cloud_recording_status_update',
  4: 'cloud_recording_file_infos',
  11: 'session_exit',
  12: 'session_failover',
  30: 'uploader_started',
  31: 'uploaded',
  32: 'backuped',
  33: 'uploading_progress',
  40: 'recorder_started',
  41: 'recorder_leave',
  42: 'recorder_slice_start',
  43: 'recorder_audio_stream_state_changed',
  44: 'recorder_video_stream_state_changed',
};

/** A follower of the NCS notifications the emulator emits (emulator mode only). */
interface NotificationFollower {
  /** Event types printed so far. */
  seen: Set<number>;
  /** Waits until one of `eventTypes` was printed, at most `timeoutMs`. @returns the event type, or undefined. */
  waitFor(eventTypes: number[], timeoutMs: number): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Prints each NCS notification the emulator emits, as it happens (emulator mode only). */
function followNotifications(stack: Stack, report: NonNullable<StackOptions['report']>): NotificationFollower {
  const seen = new Set<number>();
  if (!stack.emulatorUrl) {
    return { seen, waitFor: () => Promise.resolve(undefined), stop: () => Promise.resolve() };
  }
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${stack.emulatorUrl}/_emulator/notifications`);
        const list = (await res.json()) as { eventType: number }[];
        for (const n of list.slice(count)) {
          report('ncs', `  NCS → receiver: ${eventNames[n.eventType] ?? 'event'} (${n.eventType})`, {
            eventType: n.eventType,
          });
          seen.add(n.eventType);
        }
        count = Math.max(count, list.length);
      } catch {
        // the emulator may be stopping
      }
      await sleep(200);
    }
  })();
  return {
    seen,
    async waitFor(eventTypes, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = eventTypes.find((t) => seen.has(t));
        if (hit !== undefined || Date.now() > until) return hit;
        await sleep(100);
      }
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The recording the demo makes: mix mode, HLS, the demo storage profile, a one-hour limit. */
export function demoInput(cname: string, storageProfile: string): StartRecordingInput {
  return {
    cname,
    mode: 'mix',
    recordingConfig: {
      channelType: 0,
      maxIdleTime: 120,
      transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 },
    },
    recordingFileConfig: { avFileType: ['hls', 'mp4'] },
    storage: { profile: storageProfile, fileNamePrefix: ['demo', cname.replace(/[^a-zA-Z0-9]/g, '')] },
    policy: { maxDurationSeconds: 3600, uploadTimeoutSeconds: 120 },
  };
}

/**
 * Runs one recording through its life on a started stack: start; a participant joins; a layout update; stop; the
 * upload notification; the result.
 * @returns the workflow ID and the result
 */
export async function runRecording(
  stack: Stack,
  o: { cname?: string; report?: StackOptions['report']; storageProfile?: string } = {},
): Promise<{ workflowId: string; cname: string; result: RecordingResult }> {
  const report = o.report ?? (() => undefined);
  const cname = o.cname ?? `demo-room-${Date.now().toString(36)}`;
  const participant = '1001';
  const ncs = followNotifications(stack, report);
  try {
    const started = await stack.client.start(demoInput(cname, o.storageProfile ?? DEMO_STORAGE_PROFILE));
    const ref = started.workflowId;
    const link = `${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(ref)}`;
    report('start', `1. start: recording channel "${cname}" as recorder uid ${started.uid}\n   ${link}`, {
      workflowId: ref,
      uid: started.uid,
      cname,
      link,
    });

    const recording = await waitFor<RecordingStatus>(
      'the recording to start',
      async () => {
        const s = await stack.client.status(ref);
        if (['failed', 'exited', 'cancelled', 'no_content'].includes(s.state)) {
          throw new Error(`the recording ended as ${s.state}: ${s.lastError?.message ?? ''}`);
        }
        return s.state === 'recording' ? s : undefined;
      },
      120_000,
    );
    report('recording', `   recording: sid ${recording.sid}`, { sid: recording.sid });

    if (stack.emulatorUrl) {
      const res = await fetch(`${stack.emulatorUrl}/_emulator/channels/${encodeURIComponent(cname)}/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: participant, publishing: true }),
      });
      if (!res.ok) throw new Error(`emulator join failed: HTTP ${res.status}`);
      report('join', `2. a participant joins: uid ${participant} publishes audio and video`, { participant });
    } else {
      report('join', `2. join channel "${cname}" with any Agora app now; continuing in 20 s`, { participant });
      await sleep(20_000);
    }
    await sleep(1_500);

    const layout: MixLayout = {
      mixedVideoLayout: 3,
      backgroundColor: '#101820',
      layoutConfig: [
        { uid: participant, x_axis: 0, y_axis: 0, width: 1, height: 1 },
        { x_axis: 0.7, y_axis: 0.7, width: 0.3, height: 0.3, alpha: 0.9 },
      ],
    };
    const afterLayout = await stack.client.updateLayout(ref, layout);
    report(
      'layout',
      `3. layout update: custom layout (uid ${participant} full screen) applied; state ${afterLayout?.state}`,
      {
        layout,
      },
    );
    await sleep(2_000);

    const afterStop = await stack.client.stop(ref, 'demo finished');
    report('stop', `4. stop: Agora answered; state ${afterStop?.state}`, { state: afterStop?.state });

    const result = await stack.client.result(ref);
    // The upload notification (31 uploaded / 32 backuped), signed by the emulator and forwarded by the receiver.
    const uploadEvent = await ncs.waitFor([NcsEvent.uploaded, NcsEvent.backuped], 15_000);
    report(
      'uploaded',
      `5. upload: ${uploadEvent ? `${eventNames[uploadEvent]} notification; ` : ''}uploadingStatus ${
        result.uploadingStatus ?? '-'
      }; ${result.fileList.length} file(s) in storage`,
      { uploadingStatus: result.uploadingStatus, ...(uploadEvent ? { eventType: uploadEvent } : {}) },
    );
    const files = result.fileList.map((f) => `   ${f.fileName ?? f.filename ?? '?'}`).join('\n');
    report('result', `result: ended ${result.ending}${result.reason ? ` (${result.reason})` : ''}\n${files}`, {
      result: result as unknown as Record<string, unknown>,
    });
    return { workflowId: ref, cname, result };
  } finally {
    await ncs.stop();
  }
}

async function main(): Promise<number> {
  const cmd = new Command('demo')
    .description('Run one Agora Cloud Recording through its life on a local Temporal dev server.')
    .option('--keep', 'leave everything running afterwards and print how to record your own channel (Ctrl-C stops it)')
    .option(
      '--keep-logs',
      'keep the temp directory with the child logs after a successful run (always kept on failure)',
    )
    .option('--json', 'print one JSON object per step (use `npm run -s demo -- --json` for JSON lines only)')
    .option('--temporal-port <port>', 'Temporal frontend port', integerOption(1), 7233)
    .option('--ui-port <port>', 'Temporal Web UI port', integerOption(1), 8233)
    .addHelpText(
      'after',
      '\nEnvironment: AGORA_APP_ID, AGORA_CUSTOMER_ID, AGORA_CUSTOMER_SECRET and STORAGE_PROFILES (and no AGORA_BASE_URL)\n' +
        'drive the real Agora API; DEMO_STORAGE_PROFILE picks the profile (else the first); NCS_SECRET the receiver key.\n' +
        'TEMPORAL_CLI_PATH: a Temporal CLI to use instead of .tools/bin/temporal. LOG_LEVEL: the children log level.\n' +
        'Exit codes: 0 success (or stopped after --keep), 1 failure (logs kept and named), 130 interrupted.\n',
    )
    .parse();
  const opts = cmd.opts<{ keep?: boolean; keepLogs?: boolean; json?: boolean; temporalPort: number; uiPort: number }>();
  const report: NonNullable<StackOptions['report']> = opts.json
    ? (step, text, data) => console.log(JSON.stringify({ step, text, ...data }))
    : (_step, text) => console.log(text);

  const realAgora = realAgoraRequested();
  let storageProfile = DEMO_STORAGE_PROFILE;
  if (realAgora) {
    const profiles = Object.keys(JSON.parse(process.env.STORAGE_PROFILES ?? '{}') as object);
    storageProfile = process.env.DEMO_STORAGE_PROFILE ?? profiles[0] ?? '';
    if (!storageProfile) {
      console.error('real Agora needs a storage profile: set STORAGE_PROFILES (see README "Configuration")');
      return 1;
    }
  }
  // Ctrl-C / SIGTERM at any time: stop every child gracefully, then exit (130 while running, 0 after --keep's ready).
  // Handlers stay installed, so a second Ctrl-C cannot kill the demo halfway and orphan the children; if the demo
  // dies anyway, startStack's exit hook SIGKILLs them.
  const started: { stack?: Stack } = {};
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= started.stack ? started.stack.stop() : Promise.resolve());
  let ready = false;
  let signalled = false;
  let resolveStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((r) => (resolveStop = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    if (ready) return resolveStop();
    console.error(`${signal}: stopping everything; logs in ${logDir}`);
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The temp directory of the child logs and the receiver's spool: removed after a clean run unless --keep/--keep-logs.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-recording-demo-'));
  const logDir = path.join(workDir, 'logs');
  let stack: Stack;
  try {
    stack = await startStack({ temporalPort: opts.temporalPort, uiPort: opts.uiPort, realAgora, report, workDir });
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}\nlogs: ${logDir}`);
    return 1;
  }
  started.stack = stack;
  try {
    const { cname } = await runRecording(stack, { report, storageProfile });
    const listed = await stack.client.listByChannel(cname);
    report(
      'visibility',
      `found by the search AgoraChannel = "${cname}": ${listed.map((l) => `${l.workflowId} ${l.executionStatus}`).join(', ')}`,
      {
        listed: listed as unknown as Record<string, unknown>,
      },
    );
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}\nlogs: ${logDir}`);
    await stopAll();
    return 1;
  }
  if (!opts.keep) {
    await stopAll();
    if (opts.keepLogs) {
      report('done', `done; logs in ${logDir}`, { logDir });
    } else {
      fs.rmSync(workDir, { recursive: true, force: true });
      report('done', 'done (logs removed; --keep-logs keeps them)');
    }
    return 0;
  }
  const guide = keepGuide(stack, storageProfile);
  report('ready', guide.text, { ...guide.data, logDir });
  ready = true;
  await stopRequested;
  await stopAll();
  report('done', `stopped; logs in ${logDir}`, { logDir });
  return 0;
}

/**
 * What `--keep` prints: where everything runs and the exact commands to record a channel of your own on this stack
 * (App ID, storage profile, a participant, start / steer / stop).
 */
export function keepGuide(
  stack: Pick<Stack, 'uiUrl' | 'temporalAddress' | 'appId' | 'emulatorUrl' | 'receiverUrl' | 'metricsUrl'>,
  storageProfile: string,
  cname = 'room-1',
): { text: string; data: Record<string, unknown> } {
  const input = {
    cname,
    mode: 'mix',
    recordingConfig: { channelType: 0 },
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: storageProfile },
  };
  const env = `export PATH="${path.join(root, '.tools/bin')}:$PATH" TEMPORAL_ADDRESS=${stack.temporalAddress} AGORA_APP_ID=${stack.appId}`;
  const join = stack.emulatorUrl
    ? `curl -X POST ${stack.emulatorUrl}/_emulator/channels/${cname}/join -H 'content-type: application/json' -d '{"uid":"1001"}'`
    : undefined;
  const ref = `--cname ${cname} --uid UID`;
  const commands = [
    env,
    ...(join ? [join] : []),
    `npm run -s client -- start '${JSON.stringify(input)}'`,
    `npm run -s client -- status ${ref}`,
    `npm run -s client -- layout ${ref} '{"mixedVideoLayout":1}'`,
    `npm run -s client -- stop ${ref}`,
    `npm run -s client -- result ${ref}`,
  ];
  const rows: [string, string | undefined][] = [
    ['Web UI', stack.uiUrl],
    ['Temporal', `${stack.temporalAddress} (namespace default, task queue agora-recording)`],
    ['App ID', stack.appId],
    ['storage profile', storageProfile],
    ['Agora emulator', stack.emulatorUrl && `${stack.emulatorUrl} (control API ${stack.emulatorUrl}/_emulator/...)`],
    ['NCS receiver', stack.receiverUrl],
    ['metrics', stack.metricsUrl],
  ];
  const text = [
    'everything is still running (--keep); Ctrl-C stops it all.',
    ...rows.filter(([, v]) => v).map(([k, v]) => `  ${k.padEnd(16)} ${v!}`),
    `Record a channel of your own (another terminal, in ${root}):`,
    `  ${env}`,
    ...(join
      ? [
          '  # first a participant: with nobody in the channel the recorder leaves after maxIdleTime (30 s),',
          '  # and the recording ends "exited: idle: no users in the channel"',
          `  ${join}`,
        ]
      : [`  # then join channel "${cname}" from any Agora app: with nobody in it the recorder leaves after 30 s`]),
    `  npm run -s client -- start '${JSON.stringify(input)}'    # prints the workflow ID and the recorder UID`,
    `  npm run -s client -- status ${ref}                     # UID: the uid start printed`,
    `  npm run -s client -- layout ${ref} '{"mixedVideoLayout":1}'`,
    `  npm run -s client -- stop ${ref}`,
    `  npm run -s client -- result ${ref}`,
    '  (or `temporal workflow start ...` with these values: README "The same from the shell")',
  ].join('\n');
  return {
    text,
    data: {
      uiUrl: stack.uiUrl,
      temporalAddress: stack.temporalAddress,
      appId: stack.appId,
      storageProfile,
      emulatorUrl: stack.emulatorUrl,
      receiverUrl: stack.receiverUrl,
      metricsUrl: stack.metricsUrl,
      commands,
    },
  };
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
