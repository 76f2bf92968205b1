/**
 * The one-command demo: `npm ci && npm run demo` (npm's script installs the Temporal binaries first).
 *
 * Starts the local stack (src/dev: the Temporal dev server with its Web UI on http://localhost:8233, the Agora
 * emulator signing its NCS notifications, the NCS receiver and the worker, each a child process). Then it runs one
 * recording through its life — start; a participant joins; a layout update; stop; the upload notification — printing
 * each step as it happens and the final result, stops everything and exits 0.
 *
 * Flags: `--keep` leaves everything running (explore the recording in the UI; Ctrl-C stops it all); `--json` prints
 * one JSON object per step instead of text; `--temporal-port`, `--ui-port` choose the dev server's ports.
 * `--temporal-address host:port` (or TEMPORAL_ADDRESS in the environment) uses a Temporal server that is already
 * running instead of starting a dev server: the missing search attributes are registered there, and it is left running.
 * With AGORA_APP_ID, AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET set and no AGORA_BASE_URL, the worker drives the real
 * Agora API instead of the emulator (storage from STORAGE_PROFILES; the participant step is then up to you).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { integerOption } from './config/numbers';
import { NcsEvent } from './agora/notifications';
import { type StartRecordingInput } from './client';
import { type MixLayout, type RecordingResult, type RecordingStatus } from './contract';
import { DEMO_STORAGE_PROFILE, realAgoraRequested, startStack, type Stack, type StackOptions } from './dev/stack';
import { sleep, waitFor, WaitTimeoutError } from './dev/wait';
import { EmulatorControl } from './emulator/control-client';

const root = path.resolve(__dirname, '..');

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
  waitForAny(eventTypes: number[], timeoutMs: number): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Prints each NCS notification the emulator emits, as it happens (emulator mode only). */
function followNotifications(stack: Stack, report: NonNullable<StackOptions['report']>): NotificationFollower {
  const seen = new Set<number>();
  if (!stack.emulatorUrl) {
    return { seen, waitForAny: () => Promise.resolve(undefined), stop: () => Promise.resolve() };
  }
  const emulator = new EmulatorControl(stack.emulatorUrl);
  let count = 0;
  let running = true;
  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears it while the loop awaits
    while (running) {
      try {
        const list = await emulator.notifications();
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
    async waitForAny(eventTypes, timeoutMs) {
      const names = eventTypes.map((t) => eventNames[t] ?? String(t)).join(' or ');
      try {
        return await waitFor(names, () => eventTypes.find((t) => seen.has(t)), { timeoutMs, everyMs: 100 });
      } catch (e) {
        if (e instanceof WaitTimeoutError) return undefined;
        throw e;
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
    const link = stack.uiUrl
      ? `${stack.uiUrl}/namespaces/${stack.namespace}/workflows/${encodeURIComponent(ref)}`
      : undefined;
    report('start', `1. start: recording channel "${cname}" as recorder uid ${started.uid}\n   ${link ?? ref}`, {
      workflowId: ref,
      uid: started.uid,
      cname,
      ...(link ? { link } : {}),
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
      await new EmulatorControl(stack.emulatorUrl).join(cname, participant);
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
    const uploadEvent = await ncs.waitForAny([NcsEvent.uploaded, NcsEvent.backuped], 15_000);
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
    .description(
      'Run one Agora Cloud Recording through its life on a local Temporal dev server (or on a running server: --temporal-address).',
    )
    .option('--keep', 'leave everything running afterwards and print how to record your own channel (Ctrl-C stops it)')
    .option(
      '--keep-logs',
      'keep the temp directory with the child logs after a successful run (always kept on failure)',
    )
    .option('--json', 'print one JSON object per step (use `npm run -s demo -- --json` for JSON lines only)')
    .option('--temporal-port <port>', 'Temporal frontend port', integerOption(1), 7233)
    .option('--ui-port <port>', 'Temporal Web UI port', integerOption(1), 8233)
    .option(
      '--temporal-address <host:port>',
      'use the Temporal server already running there instead of starting a dev server (default: TEMPORAL_ADDRESS when set); ' +
        'registers the missing search attributes there and leaves it running',
    )
    .addHelpText(
      'after',
      '\nEnvironment: AGORA_APP_ID, AGORA_CUSTOMER_ID, AGORA_CUSTOMER_SECRET and STORAGE_PROFILES (and no AGORA_BASE_URL)\n' +
        'drive the real Agora API; DEMO_STORAGE_PROFILE picks the profile (else the first); NCS_SECRET the receiver key.\n' +
        'TEMPORAL_CLI_PATH: a Temporal CLI to use instead of .tools/bin/temporal. LOG_LEVEL: the children log level.\n' +
        'TEMPORAL_ADDRESS: a running Temporal server to use, as --temporal-address does (unless --temporal-port/--ui-port\n' +
        'are given); TEMPORAL_NAMESPACE its namespace (default: default); TEMPORAL_TLS*, TEMPORAL_API_KEY its credentials.\n' +
        'Exit codes: 0 success (or stopped after --keep), 1 failure (logs kept and named), 130 interrupted.\n',
    )
    .parse();
  const opts = cmd.opts<{
    keep?: boolean;
    keepLogs?: boolean;
    json?: boolean;
    temporalPort: number;
    uiPort: number;
    temporalAddress?: string;
  }>();
  const report: NonNullable<StackOptions['report']> = opts.json
    ? (step, text, data) => {
        console.log(JSON.stringify({ step, text, ...data }));
      }
    : (_step, text) => {
        console.log(text);
      };

  // Which Temporal: --temporal-address, else TEMPORAL_ADDRESS unless dev-server ports were asked for, else a dev server.
  const portsGiven = ['temporalPort', 'uiPort'].some((k) => cmd.getOptionValueSource(k) === 'cli');
  if (opts.temporalAddress && portsGiven) {
    console.error('--temporal-address uses a running server: --temporal-port/--ui-port (a dev server) do not apply');
    return 1;
  }
  const envAddress = process.env.TEMPORAL_ADDRESS?.trim();
  let temporalAddress = opts.temporalAddress?.trim();
  if (!temporalAddress && envAddress) {
    if (portsGiven) {
      console.error(`TEMPORAL_ADDRESS (${envAddress}) ignored: --temporal-port/--ui-port start a dev server`);
    } else {
      temporalAddress = envAddress;
      console.error(
        `TEMPORAL_ADDRESS is set: using the Temporal server at ${envAddress} (unset it to start a dev server)`,
      );
    }
  }

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
    if (ready) {
      resolveStop();
      return;
    }
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
    stack = await startStack({
      ...(temporalAddress ? { temporalAddress } : { temporalPort: opts.temporalPort, uiPort: opts.uiPort }),
      realAgora,
      report,
      workDir,
    });
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
    const left = temporalAddress ? `; the Temporal server at ${stack.temporalAddress} is left running` : '';
    if (opts.keepLogs) {
      report('done', `done${left}; logs in ${logDir}`, { logDir });
    } else {
      fs.rmSync(workDir, { recursive: true, force: true });
      report('done', `done${left} (logs removed; --keep-logs keeps them)`);
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
  stack: Pick<Stack, 'uiUrl' | 'temporalAddress' | 'appId' | 'emulatorUrl' | 'receiverUrl' | 'metricsUrl'> & {
    namespace?: string;
  },
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
  const namespace = stack.namespace ?? 'default';
  const env = `export PATH="${path.join(root, '.tools/bin')}:$PATH" TEMPORAL_ADDRESS=${stack.temporalAddress}${
    namespace === 'default' ? '' : ` TEMPORAL_NAMESPACE=${namespace}`
  } AGORA_APP_ID=${stack.appId}`;
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
    ['Temporal', `${stack.temporalAddress} (namespace ${namespace}, task queue agora-recording)`],
    ['App ID', stack.appId],
    ['storage profile', storageProfile],
    ['Agora emulator', stack.emulatorUrl && `${stack.emulatorUrl} (control API ${stack.emulatorUrl}/_emulator/...)`],
    ['NCS receiver', stack.receiverUrl],
    ['metrics', stack.metricsUrl],
  ];
  const text = [
    'everything is still running (--keep); Ctrl-C stops it all.',
    ...rows.flatMap(([k, v]) => (v ? [`  ${k.padEnd(16)} ${v}`] : [])),
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
