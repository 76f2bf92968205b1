/**
 * Bad input (issue 8), table-driven, through the client library AND the CLI, against the real stack: each case gives a
 * clear error naming the field, starts no workflow and makes no Agora call (the emulator's call log stays empty).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import { RecordingClient, RecordingInputError, type StartRecordingInput } from '../../src/client';
import { recordingWorkflowId } from '../../src/contract';
import { scenario } from '../support/faults/report';
import { keepErrorText, scanForSecrets } from '../support/faults/secrets';
import { countCalls, mixInput, resultWithin, useFaultStack, type FaultStack } from '../support/faults/stack';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../..');
let stack: FaultStack;
/** The client library as a service configured with the workers' storage profile names would use it. */
let client: RecordingClient;
/** The workers' storage profiles (the demo stack's), as the CLI finds them in its environment. */
const STORAGE_PROFILES = JSON.stringify({
  demo: { vendor: 1, region: 0, bucket: 'demo-bucket', accessKey: 'demo-access-key', secretKey: 'demo-secret-key' },
});

useFaultStack(__filename, async (s) => {
  stack = s;
  client = new RecordingClient({ client: stack.client.client, appId: stack.appId, storageProfiles: ['demo'] });
  await stack.emu.clearCalls();
});

const region = (x: number) => ({ x_axis: x, y_axis: 0, width: 0.25, height: 0.25 });
const layoutOf = (layoutConfig: object[]) => ({
  recordingConfig: { channelType: 0, transcodingConfig: { mixedVideoLayout: 3, layoutConfig } },
});

interface Case {
  what: string;
  over: Record<string, unknown>;
  /** The field the error must name. */
  field: RegExp;
}

let n = 0;
const cases: Case[] = [
  { what: 'uid "0"', over: { uid: '0' }, field: /\buid: / },
  { what: 'uid "abc"', over: { uid: 'abc' }, field: /\buid: / },
  { what: 'uid "4294967296"', over: { uid: '4294967296' }, field: /\buid: / },
  { what: 'uid 4294967296 (a number)', over: { uid: 4294967296 }, field: /\buid: / },
  {
    what: 'a layout region outside [0,1]',
    over: layoutOf([region(0), region(1.5)]),
    field: /recordingConfig\.transcodingConfig\.layoutConfig\[1\]\.x_axis: /,
  },
  {
    what: '18 layout regions',
    over: layoutOf(Array.from({ length: 18 }, () => region(0))),
    field: /recordingConfig\.transcodingConfig\.layoutConfig: /,
  },
  {
    what: 'an unknown storage profile',
    over: { storage: { profile: 'no-such-profile' } },
    field: /storage\.profile: /,
  },
  { what: 'an unknown mode', over: { mode: 'composite' }, field: /\bmode: / },
  { what: 'an over-long cname (64 bytes)', over: { cname: 'c'.repeat(64) }, field: /\bcname: / },
  {
    what: 'maxDuration beyond resourceExpiredHour',
    over: { resourceExpiredHour: 1, policy: { maxDurationSeconds: 7200 } },
    field: /policy\.maxDurationSeconds: .*resourceExpiredHour/,
  },
];

/** An input with a fixed valid uid (so the workflow ID is known) and the case's change. */
function inputFor(c: Case): StartRecordingInput & Record<string, unknown> {
  return { ...mixInput(`badinput-${++n}-${Date.now().toString(36)}`), uid: '123456', ...c.over };
}

/** No workflow with this input's ID, and no Agora call since `callsBefore`. */
async function nothingHappened(input: Record<string, unknown>, callsBefore: number): Promise<void> {
  const id = recordingWorkflowId(stack.appId, String(input.cname), String(input.uid));
  const described = await stack.client.client.workflow
    .getHandle(id)
    .describe()
    .catch((e: unknown) => e);
  if (!(described instanceof WorkflowNotFoundError)) {
    await stack.client.client.workflow.getHandle(id).terminate('bad-input test: must not have started');
    throw new Error(`a workflow was started: ${id}`);
  }
  await new Promise((r) => setTimeout(r, 500)); // anything started would have called acquire by now
  expect((await stack.emu.calls()).slice(callsBefore)).toEqual([]);
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, AGORA_APP_ID: stack.appId, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => void (stderr += c.toString()));
    proc.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.on('error', reject);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

for (const c of cases) {
  scenario(
    'bad input, client library',
    c.what,
    'RecordingInputError naming the field; no workflow; no Agora call',
    60_000,
    async () => {
      const input = inputFor(c);
      const callsBefore = (await stack.emu.calls()).length;
      const err = await client.start(input).then(
        (started) => new Error(`started ${started.workflowId}`),
        (e: unknown) => e as Error,
      );
      keepErrorText(err);
      expect(err).toBeInstanceOf(RecordingInputError);
      expect(err.message).toMatch(c.field);
      await nothingHappened(input, callsBefore);
      return err.message;
    },
  );
}

for (const c of cases) {
  scenario(
    'bad input, CLI',
    c.what,
    '`start` exits 2, the message names the field; no workflow; no Agora call',
    90_000,
    async () => {
      const input = inputFor(c);
      const callsBefore = (await stack.emu.calls()).length;
      const { code, stderr } = await runCli(['start', JSON.stringify(input)], { STORAGE_PROFILES });
      keepErrorText(stderr);
      expect(stderr).toMatch(c.field);
      expect(code).toBe(2);
      await nothingHappened(input, callsBefore);
      return `exit ${code}: ${stderr.trim()}`;
    },
  );
}

scenario(
  'bad input, client without the profile names',
  'an unknown storage profile (a client that cannot know the names, e.g. another Temporal SDK)',
  'the workflow refuses it at its first step: ends failed, lastError names storageProfile; no start; no task',
  120_000,
  async () => {
    const input = inputFor({ what: '', over: { storage: { profile: 'no-such-profile' } }, field: /./ });
    const started = await stack.client.start(input);
    const result = await resultWithin(stack, started.workflowId, 90_000);
    const calls = countCalls(await stack.emu.callsFor(input.cname));
    keepErrorText(result.lastError?.message);
    expect(result.ending).toBe('failed');
    expect(result.lastError?.type).toBe('UnknownStorageProfile');
    expect(result.lastError?.message).toMatch(/storageProfile/);
    expect(calls.start).toBe(0);
    expect(await stack.emu.tasksFor(input.cname)).toEqual([]);
    return `ended ${result.ending}: ${result.lastError?.type}: ${result.lastError?.message}; Agora calls: ${calls.acquire} acquire (its resourceId expires unused), 0 start`;
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
