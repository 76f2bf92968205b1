/**
 * The workflow's own validation (plain code, src/workflows/validate.ts) against the client library's zod schema
 * (src/input.ts, built from src/agora/schemas.ts): whatever the client accepts the workflow runs, and the invalid inputs
 * that matter are refused by both, the workflow naming the field.
 */
import { ApplicationFailure } from '@temporalio/common';
import { mixLayoutSchema, streamSubscribeSchema } from '../../src/agora/schemas';
import { recordingInputSchema } from '../../src/input';
import type { RecordingInput } from '../../src/contract';
import {
  assertValidInput,
  checkLayout,
  checkSubscription,
  inputProblems,
  resolvePolicy,
} from '../../src/workflows/validate';
import { mixInput } from '../support/workflows';

const individual: RecordingInput = {
  cname: 'room 1',
  uid: '4294967295',
  mode: 'individual',
  recordingConfig: {
    channelType: 1,
    streamTypes: 2,
    subscribeUidGroup: 0,
    subscribeAudioUids: ['#allstream#'],
    subscribeVideoUids: ['#allstream#'],
  },
  snapshotConfig: { captureInterval: 5, fileType: ['jpg'] },
  storage: { profile: 'archive' },
  encryptionProfile: 'aes',
};
const web: RecordingInput = {
  cname: 'a web page label that may be long and contain / slashes',
  uid: '42',
  mode: 'web',
  extensionServiceConfig: {
    extensionServices: [
      {
        serviceName: 'web_recorder_service',
        serviceParam: {
          url: 'https://example.com',
          audioProfile: 0,
          videoWidth: 1280,
          videoHeight: 720,
          maxRecordingHour: 2,
        },
      },
    ],
  },
  recordingFileConfig: { avFileType: ['hls', 'mp4'] },
  storage: { profile: 'default', fileNamePrefix: ['web'] },
  resourceExpiredHour: 24,
  policy: {
    maxDurationSeconds: 7200,
    healthCheckIntervalSeconds: 600,
    startWindowSeconds: 120,
    continueAsNewAfterEvents: 5000,
  },
};

const valid: [string, RecordingInput][] = [
  ['mix', mixInput()],
  ['individual with snapshots and an encryption profile', individual],
  ['web with a policy', web],
];

/** [name, input, the field the workflow must name]. */
const invalid: [string, unknown, string][] = [
  ['uid 0', { ...mixInput(), uid: '0' }, 'uid'],
  ['uid above 2^32-1', { ...mixInput(), uid: '4294967296' }, 'uid'],
  ['uid as a number', { ...mixInput(), uid: 527841 }, 'uid'],
  ['cname with a slash', { ...mixInput(), cname: 'a/b' }, 'cname'],
  ['cname of 64 bytes', { ...mixInput(), cname: 'x'.repeat(64) }, 'cname'],
  ['unknown mode', { ...mixInput(), mode: 'audio' }, 'mode'],
  ['no storage profile', { ...mixInput(), storage: {} }, 'storage.profile'],
  [
    'bad fileNamePrefix',
    { ...mixInput(), storage: { profile: 'x', fileNamePrefix: ['a-b'] } },
    'storage.fileNamePrefix',
  ],
  ['mix without recordingFileConfig', { ...mixInput(), recordingFileConfig: undefined }, 'recordingFileConfig'],
  ['mix without recordingConfig', { ...mixInput(), recordingConfig: undefined }, 'recordingConfig'],
  [
    'transcodingConfig in individual mode',
    { ...individual, recordingConfig: { ...individual.recordingConfig, transcodingConfig: { width: 640 } } },
    'recordingConfig.transcodingConfig',
  ],
  [
    'web without a web recorder',
    { ...web, extensionServiceConfig: { extensionServices: [] } },
    'extensionServiceConfig',
  ],
  ['snapshots in mix mode', { ...mixInput(), snapshotConfig: { fileType: ['jpg'] } }, 'snapshotConfig'],
  [
    'a decryption secret in the input',
    { ...mixInput(), recordingConfig: { channelType: 0, decryptionMode: 1, secret: 'k' } },
    'recordingConfig.secret',
  ],
  ['resourceExpiredHour 0', { ...mixInput(), resourceExpiredHour: 0 }, 'resourceExpiredHour'],
  ['an unknown policy field', { ...mixInput(), policy: { maxDuration: 10 } }, 'policy.maxDuration'],
  [
    'a start window past the resourceId life',
    { ...mixInput(), policy: { startWindowSeconds: 300 } },
    'policy.startWindowSeconds',
  ],
  [
    'a max duration beyond the API window',
    { ...mixInput(), resourceExpiredHour: 1, policy: { maxDurationSeconds: 7200 } },
    'policy.maxDurationSeconds',
  ],
  [
    'an invalid initial layout',
    {
      ...mixInput(),
      recordingConfig: {
        channelType: 0,
        transcodingConfig: { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 2, y_axis: 0, width: 1, height: 1 }] },
      },
    },
    'recordingConfig.transcodingConfig.layoutConfig[0].x_axis',
  ],
];

describe.each(valid)('valid input: %s', (_name, input) => {
  test('the client schema and the workflow both accept it', () => {
    expect(recordingInputSchema.safeParse(input).error?.issues).toBeUndefined();
    expect(inputProblems(input)).toEqual([]);
    expect(() => {
      assertValidInput(input);
    }).not.toThrow();
  });
});

describe.each(invalid)('invalid input: %s', (_name, input, field) => {
  test(`both refuse it; the workflow names ${field}`, () => {
    expect(recordingInputSchema.safeParse(input).success).toBe(false);
    expect(inputProblems(input).map((p) => p.field)).toContain(field);
    let thrown: unknown;
    try {
      assertValidInput(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type: 'InvalidRecordingInput', nonRetryable: true });
    expect((thrown as ApplicationFailure).message).toContain(field);
  });
});

const layouts: [string, unknown, boolean][] = [
  ['best fit', { mixedVideoLayout: 1 }, true],
  ['vertical with maxResolutionUid', { mixedVideoLayout: 2, maxResolutionUid: '7' }, true],
  ['vertical without maxResolutionUid', { mixedVideoLayout: 2 }, false],
  ['custom without regions', { mixedVideoLayout: 3 }, false],
  [
    'custom, 18 regions',
    { mixedVideoLayout: 3, layoutConfig: Array(18).fill({ x_axis: 0, y_axis: 0, width: 1, height: 1 }) },
    false,
  ],
  [
    'custom, region out of the canvas',
    { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 0, y_axis: 0, width: 1.1, height: 1 }] },
    false,
  ],
  [
    'custom, region with a numeric uid',
    { mixedVideoLayout: 3, layoutConfig: [{ uid: 7, x_axis: 0, y_axis: 0, width: 1, height: 1 }] },
    false,
  ],
  ['colour not #RRGGBB', { backgroundColor: 'red' }, false],
  ['an unknown key', { mixedVideoLayout: 0, width: 640 }, false],
  ['background per uid', { backgroundConfig: [{ uid: '7', image_url: 'https://x/y.png' }] }, true],
];

test.each(layouts)('layout %s: the workflow agrees with mixLayoutSchema', (_name, layout, ok) => {
  expect(mixLayoutSchema.safeParse(layout).success).toBe(ok);
  expect(checkLayout(layout) === undefined).toBe(ok);
});

const subscriptions: [string, unknown, boolean][] = [
  ['audio allowlist', { audioUidList: { subscribeAudioUids: ['1', '#allstream#'] } }, true],
  ['video blocklist', { videoUidList: { unSubscribeVideoUids: ['2'] } }, true],
  ['both lists for audio', { audioUidList: { subscribeAudioUids: ['1'], unSubscribeAudioUids: ['2'] } }, false],
  ['numeric uids', { audioUidList: { subscribeAudioUids: [1] } }, false],
  ['33 uids', { videoUidList: { subscribeVideoUids: Array.from({ length: 33 }, (_, i) => String(i + 1)) } }, false],
];

test.each(subscriptions)('subscription %s: checked like streamSubscribeSchema', (_name, sub, ok) => {
  expect(checkSubscription(sub) === undefined).toBe(ok);
  if (ok) expect(streamSubscribeSchema.safeParse(sub).success).toBe(true);
});

test('policy defaults fill what is absent or undefined', () => {
  expect(resolvePolicy({ maxDurationSeconds: 60, uploadTimeoutSeconds: undefined })).toEqual({
    maxDurationSeconds: 60,
    uploadTimeoutSeconds: 600,
    healthCheckIntervalSeconds: 1800,
    maxAcquireAttempts: 3,
    failoverWindowSeconds: 90,
    startWindowSeconds: 270,
  });
});
