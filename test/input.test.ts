/**
 * Client-side validation against a real dev server: an invalid input throws a RecordingInputError naming the field and
 * starts no workflow; a valid one starts the workflow with its ID, search attributes and allocated uid.
 * No worker runs here: the started workflow just waits on its task queue, and is terminated at the end.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, uniqueTaskQueue } from './support/temporal';
import { RecordingClient, RecordingInputError, type StartRecordingInput } from '../src/client';
import { defaultRecorderUidRange } from '../src/agora/uid';
import { recordingWorkflowId } from '../src/contract';
import { waitFor } from '../src/dev/wait';

let env: TestWorkflowEnvironment;
let recordings: RecordingClient;
const appId = 'validation-app';

beforeAll(async () => {
  env = await createDevServerEnv();
  recordings = new RecordingClient({ client: env.client, appId, taskQueue: uniqueTaskQueue('no-worker') });
});
afterAll(async () => env?.teardown());

const region = (x: number) => ({ x_axis: x, y_axis: 0, width: 0.5, height: 0.5 });

function mixInput(cname: string, over: Record<string, unknown> = {}): StartRecordingInput {
  return {
    cname,
    mode: 'mix',
    recordingConfig: { channelType: 0 },
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: 'default' },
    ...over,
  };
}

async function countByChannel(cname: string): Promise<number> {
  let n = 0;
  for await (const _ of env.client.workflow.list({ query: `AgoraChannel = "${cname}"` })) n++;
  return n;
}

const invalid: [string, Record<string, unknown>, RegExp][] = [
  ['uid "0"', { uid: '0' }, /^invalid recording input: uid: /],
  ['uid "abc"', { uid: 'abc' }, /uid: must be a decimal string/],
  ['uid "4294967296"', { uid: '4294967296' }, /uid: must be at most 4294967295/],
  [
    'a layout region outside [0, 1]',
    {
      recordingConfig: {
        channelType: 0,
        transcodingConfig: { mixedVideoLayout: 3, layoutConfig: [region(0), region(1.25)] },
      },
    },
    /recordingConfig\.transcodingConfig\.layoutConfig\[1\]\.x_axis: must be in \[0, 1\]/,
  ],
  [
    '18 layout regions',
    {
      recordingConfig: {
        channelType: 0,
        transcodingConfig: { mixedVideoLayout: 3, layoutConfig: Array.from({ length: 18 }, () => region(0)) },
      },
    },
    /recordingConfig\.transcodingConfig\.layoutConfig: at most 17 regions/,
  ],
  ['an unknown mode', { mode: 'composite' }, /mode: /],
  ['a misspelt key', { recordingconfig: {} }, /recordingconfig/],
  ['a cname with a slash', { cname: 'room/1' }, /cname: may only contain/],
  ['a missing storage profile', { storage: {} }, /storage\.profile/],
  [
    'a decryption secret in the input',
    { recordingConfig: { channelType: 0, decryptionMode: 5, secret: 'key', salt: 'salt' } },
    /recordingConfig\.secret: must not be in the input: name an encryptionProfile/,
  ],
];

describe('RecordingClient.start validation', () => {
  it.each(invalid)('rejects %s, naming the field, and starts nothing', async (_what, over, message) => {
    const cname = `val-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
    const input = mixInput(cname, over);
    const err = await recordings.start(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordingInputError);
    expect((err as Error).message).toMatch(message);
    expect(await countByChannel(typeof input.cname === 'string' ? input.cname : cname)).toBe(0);
  });

  it('never echoes a secret value in the error', async () => {
    const err = (await recordings
      .start(mixInput('room-secret', { recordingConfig: { channelType: 0, decryptionMode: 1, secret: 7 } }))
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RecordingInputError);
    expect(err.message).toMatch(/recordingConfig\.secret/);
  });

  it('starts a valid recording: allocated uid, workflow ID, search attributes; a second start of the same uid fails', async () => {
    const cname = `valid-${Date.now()}`;
    const started = await recordings.start(mixInput(cname));
    const uid = Number(started.uid);
    expect(uid).toBeGreaterThanOrEqual(defaultRecorderUidRange.min);
    expect(uid).toBeLessThanOrEqual(defaultRecorderUidRange.max);
    expect(started.workflowId).toBe(recordingWorkflowId(appId, cname, started.uid));
    const listed = await waitFor(
      `${cname} in the visibility list`,
      async () => {
        const found = await recordings.listByChannel(cname);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 10_000, everyMs: 200 },
    );
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      workflowId: started.workflowId,
      executionStatus: 'RUNNING',
      recordingStatus: 'acquiring',
      cname,
    });
    const desc = await recordings.handle(started.workflowId).describe();
    expect(await desc.staticSummary()).toContain(cname);
    await expect(recordings.start(mixInput(cname, { uid: started.uid }))).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    await recordings.handle(started.workflowId).terminate('test done');
  });
});
