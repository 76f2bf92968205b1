/**
 * End to end, the demo path with separate processes: the real Temporal dev server, the worker, the NCS receiver and
 * the Agora emulator (sending signed notifications), each its own process, started by src/demo.ts as `npm run demo`
 * does. Ports are free ones, so a running demo on 7233/8233 does not interfere.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { EMULATED, freePort } from '../../src/dev';
import type { RecordingResult } from '../../src/contract';
import { resultOf, runDemo } from '../support/demo';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../..');

function expectCompleted(result: RecordingResult) {
  expect(result.ending).toBe('completed');
  expect(result.uploadingStatus).toBe('uploaded');
  expect(result.sid).toBeTruthy();
  expect(result.fileList.length).toBeGreaterThan(0);
  for (const f of result.fileList)
    expect(f.fileName ?? f.filename).toMatch(new RegExp(`${result.sid}_${result.cname}`));
  expect(result.fileList.some((f) => (f.fileName ?? f.filename ?? '').endsWith('.m3u8'))).toBe(true);
}

describe('npm run demo', () => {
  it('runs one recording through its life, prints each step and the result, and exits 0', async () => {
    const demo = runDemo([
      '--keep-logs',
      '--temporal-port',
      String(await freePort()),
      '--ui-port',
      String(await freePort()),
    ]);
    await demo.reached;
    const code = await demo.exited;
    if (code !== 0) throw new Error(`demo exited ${code}:\n${demo.stderr()}`);
    const order = demo.steps.map((s) => s.step).filter((s) => s !== 'ncs');
    expect(order).toEqual([
      'temporal',
      'emulator',
      'receiver',
      'worker',
      'start',
      'recording',
      'join',
      'layout',
      'stop',
      'uploaded',
      'result',
      'visibility',
      'done',
    ]);
    // The NCS events were printed as they happened, the upload notification among them.
    const events = demo.steps.filter((s) => s.step === 'ncs').map((s) => s.eventType);
    expect(events).toEqual(expect.arrayContaining([40, 31]));
    expectCompleted(resultOf(demo.steps));

    // Every process stopped gracefully, and no log line of any of them carries a secret.
    const logs = /logs in (\S+)$/.exec(demo.steps.at(-1)!.text)![1]!;
    const text = (name: string) => fs.readFileSync(path.join(logs, `${name}.log`), 'utf8');
    expect(text('worker')).toContain('"worker stopped"');
    expect(text('receiver')).toContain('"shutting down"');
    for (const name of ['worker', 'receiver', 'emulator']) {
      for (const secret of ['demo-customer-secret', 'demo-ncs-secret', 'demo-secret-key', 'demo-access-key']) {
        expect(text(name)).not.toContain(secret);
      }
    }
    if (path.basename(logs) === 'logs') fs.rmSync(path.dirname(logs), { recursive: true, force: true });
  });

  it('with --keep leaves everything running: the recording is found by AgoraChannel, NCS went through signed', async () => {
    const temporalPort = await freePort();
    const demo = runDemo(
      ['--keep', '--temporal-port', String(temporalPort), '--ui-port', String(await freePort())],
      'ready',
    );
    try {
      await demo.reached;
      const result = resultOf(demo.steps);
      expectCompleted(result);
      const ready = demo.steps.find((s) => s.step === 'ready')!;

      // Visibility through the server itself: AgoraChannel finds exactly this recording, completed.
      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      const client = new Client({ connection, namespace: 'default' });
      const found: { id: string; status: string; recordingStatus?: unknown; sid?: unknown }[] = [];
      for await (const wf of client.workflow.list({ query: `AgoraChannel = "${result.cname}"` })) {
        found.push({
          id: wf.workflowId,
          status: wf.status.name,
          recordingStatus: wf.searchAttributes.RecordingStatus?.[0],
          sid: wf.searchAttributes.AgoraSid?.[0],
        });
      }
      const start = demo.steps.find((s) => s.step === 'start')!;
      expect(found).toEqual([
        { id: start.workflowId, status: 'COMPLETED', recordingStatus: 'completed', sid: result.sid },
      ]);
      await connection.close();

      // The emulator delivered signed notifications to the receiver and every one was acknowledged with 200.
      const deliveries = (await (await fetch(`${ready.emulatorUrl as string}/_emulator/deliveries`)).json()) as {
        eventType: number;
        httpStatus?: number;
      }[];
      expect(deliveries.length).toBeGreaterThan(0);
      expect(deliveries.every((d) => d.httpStatus === 200)).toBe(true);
      const health = (await (await fetch(String(ready.receiverUrl).replace('/agora/ncs', '/healthz'))).json()) as {
        delivery: { signalled: number };
      };
      expect(health.delivery.signalled).toBeGreaterThan(0);

      // Prometheus metrics from the worker's Temporal Runtime.
      const metrics = await (await fetch(String(ready.metricsUrl))).text();
      expect(metrics).toMatch(/temporal_/);

      // What --keep prints is enough to record a channel of one's own: the App ID, the storage profile, the
      // Temporal address, the emulator's participant call and the client commands, all of which work as printed.
      expect(ready).toMatchObject({ appId: EMULATED.appId, storageProfile: 'default' });
      const commands = ready.commands as string[];
      expect(ready.text).toContain(`AGORA_APP_ID=${EMULATED.appId}`);
      expect(ready.text).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${temporalPort}`);
      const join = commands.find((c) => c.startsWith('curl '))!;
      expect(join).toContain(`${ready.emulatorUrl as string}/_emulator/channels/room-1/join`);
      await fetch(`${ready.emulatorUrl as string}/_emulator/channels/room-1/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: '1001' }),
      });
      const startCommand = commands.find((c) => c.includes('client -- start'))!;
      const input = /start '(.*)'$/.exec(startCommand)![1]!;
      const env = { TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, AGORA_APP_ID: ready.appId as string };
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--json', ...args], {
          cwd: root,
          env: { ...process.env, ...env },
          encoding: 'utf8',
        });
      const started = cli('start', input);
      expect(started.stderr).toBe('');
      const { uid } = JSON.parse(started.stdout) as { uid: string };
      let state = '';
      for (let i = 0; i < 60 && state !== 'recording'; i++) {
        state = (JSON.parse(cli('status', '--cname', 'room-1', '--uid', uid).stdout) as { state: string }).state;
        if (state !== 'recording') await new Promise((r) => setTimeout(r, 500));
      }
      expect(state).toBe('recording');
      expect(cli('stop', '--cname', 'room-1', '--uid', uid).status).toBe(0);
      const own = JSON.parse(cli('result', '--cname', 'room-1', '--uid', uid).stdout) as RecordingResult;
      expect(own.ending).toBe('completed');
    } finally {
      demo.proc.kill('SIGTERM');
    }
    expect(await demo.exited).toBe(0);
    const ready = demo.steps.find((s) => s.step === 'ready');
    const logDir = ready?.logDir;
    if (typeof logDir === 'string' && path.basename(logDir) === 'logs') {
      fs.rmSync(path.dirname(logDir), { recursive: true, force: true });
    }
  });
});
