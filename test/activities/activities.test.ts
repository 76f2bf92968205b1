/**
 * The recording activities in a MockActivityEnvironment, against the emulator over real HTTP (stub servers only where
 * the emulator must not misbehave). Each Agora outcome maps to a result or to an ApplicationFailure with its `type`.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Emulator } from '../../src/emulator';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { activityOptions, AgoraFailureType, type RecordingActivities, type SessionRef } from '../../src/contract';
import type { CloudRecordingClient } from '../../src/agora/client';
import {
  APP_CERTIFICATE,
  APP_ID,
  Capture,
  DECRYPTION_SECRET,
  closedPortUrl,
  json,
  startStub,
  startTestEmulator,
  storageProfiles,
  testClient,
} from '../support/agora';

const UID = '4294967001';
let emu: Emulator;
let capture: Capture;
let client: CloudRecordingClient;
let acts: RecordingActivities;
let env: MockActivityEnvironment;
let seq = 0;

const recordingConfig = { channelType: 0 as const, streamTypes: 2 as const, maxIdleTime: 30 };
const mixConfig = {
  recordingConfig: { ...recordingConfig, transcodingConfig: { width: 640, height: 360, mixedVideoLayout: 1 as const } },
  recordingFileConfig: { avFileType: ['hls' as const, 'mp4' as const] },
};

function setup(overrides: Partial<ActivityDeps> = {}, baseUrl: string | string[] = emu.baseUrl) {
  client = testClient(baseUrl, capture);
  acts = createActivities({
    client,
    storageProfiles,
    encryptionProfiles: { e2e: { decryptionMode: 6, secret: DECRYPTION_SECRET } },
    appId: APP_ID,
    appCertificate: APP_CERTIFICATE,
    // Start confirmation queries at once: the manual clock has the recorder up immediately (its own test below).
    startConfirmDelayMs: 0,
    ...overrides,
  });
  // Scheduled now, without a schedule-to-close limit (the mock's defaults put the schedule in 1970, which the start
  // confirmation would read as a start window long closed).
  env = new MockActivityEnvironment(
    { startToCloseTimeoutMs: 20_000, scheduledTimestampMs: Date.now(), scheduleToCloseTimeoutMs: 0 },
    { logger: capture.temporalLogger },
  );
}

/** Runs an activity in the mock environment. */
function run<K extends keyof RecordingActivities>(
  name: K,
  input: Parameters<RecordingActivities[K]>[0],
): ReturnType<RecordingActivities[K]> {
  const fn = acts[name] as (i: typeof input) => ReturnType<RecordingActivities[K]>;
  return env.run(fn, input) as ReturnType<RecordingActivities[K]>;
}

/** Runs an activity that must fail; returns the ApplicationFailure after checking its type and retryability. */
async function failure(p: Promise<unknown>, type: string, nonRetryable: boolean): Promise<ApplicationFailure> {
  const err = await capture.rejection(p);
  expect(err).toBeInstanceOf(ApplicationFailure);
  const f = err as ApplicationFailure;
  expect({ type: f.type, nonRetryable: f.nonRetryable }).toEqual({ type, nonRetryable });
  return f;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** acquire + start in mix mode on a fresh channel with a publisher. */
async function recording(opts: { publisher?: boolean } = {}): Promise<SessionRef> {
  const cname = `act${++seq}`;
  if (opts.publisher ?? true) emu.channel(cname).join('1001');
  const { resourceId } = await run('acquire', { cname, uid: UID, mode: 'mix' });
  const started = await run('start', {
    cname,
    uid: UID,
    mode: 'mix',
    resourceId,
    storageProfile: 'main',
    fileNamePrefix: ['rec', 'act'],
    ...mixConfig,
  });
  if (started.alreadyStarted || !started.sid) throw new Error('start failed');
  await tick();
  await emu.clock.advance(1_000);
  return { cname, uid: UID, mode: 'mix', resourceId, sid: started.sid };
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
  capture = new Capture();
  setup();
});
afterEach(() => {
  expect(capture.leaks()).toEqual([]);
});

describe('results', () => {
  it('mix lifecycle: acquire, start (storage from the profile, minted token), query, updateLayout, update, stop', async () => {
    const s = await recording();
    const startCall = emu.calls().find((c) => c.endpoint === 'start' && c.resourceId === s.resourceId)!;
    expect(startCall.body).toMatchObject({
      cname: s.cname,
      uid: UID,
      clientRequest: {
        token: '***',
        storageConfig: { vendor: 1, region: 0, bucket: 'recordings', accessKey: '***', fileNamePrefix: ['rec', 'act'] },
      },
    });

    const q = await run('query', s);
    expect(q).toMatchObject({ kind: 'ok', status: 5 });
    expect(q.kind === 'ok' && q.sliceStartTime).toBeGreaterThan(0);

    expect(
      await run('updateLayout', {
        ...s,
        layout: { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 0, y_axis: 0, width: 0.5, height: 0.5 }] },
      }),
    ).toEqual({ kind: 'ok' });
    expect(
      await run('update', {
        ...s,
        streamSubscribe: { videoUidList: { subscribeVideoUids: ['1001'] } },
        storageProfile: 'main',
        fileNamePrefix: ['rec', 'act'],
      }),
    ).toEqual({ kind: 'ok' });
    const updateCall = emu.calls().find((c) => c.endpoint === 'update' && c.sid === s.sid)!;
    expect(updateCall.body).toMatchObject({
      clientRequest: { storageConfig: { secretKey: '***', bucket: 'recordings' } },
    });

    const stop = await run('stop', s);
    expect(stop).toMatchObject({ kind: 'stopped', uploadingStatus: 'uploaded' });
    expect(stop.kind === 'stopped' && Array.isArray(stop.fileList) && stop.fileList.length).toBeGreaterThan(0);
    expect(capture.lines.some((l) => l.includes('agora stop: ok') && l.includes('requestId'))).toBe(true);
  });

  it('acquire returns the request id; web mode acquires with scene 1 and stop reads the upload_service payload', async () => {
    const a = await run('acquire', { cname: 'web-label', uid: UID, mode: 'web', resourceExpiredHour: 2 });
    expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.calls().at(-1)!.body).toMatchObject({ clientRequest: { scene: 1, resourceExpiredHour: 2 } });
    const started = await run('start', {
      cname: 'web-label',
      uid: UID,
      mode: 'web',
      resourceId: a.resourceId,
      storageProfile: 'main',
      recordingFileConfig: { avFileType: ['hls', 'mp4'] },
      extensionServiceConfig: {
        extensionServices: [
          {
            serviceName: 'web_recorder_service',
            serviceParam: {
              url: 'https://example.com',
              audioProfile: 0,
              videoWidth: 1280,
              videoHeight: 720,
              maxRecordingHour: 1,
            },
          },
        ],
      },
    });
    expect(started).toMatchObject({ alreadyStarted: false });
    const webStart = emu.calls().find((c) => c.endpoint === 'start' && c.resourceId === a.resourceId)!;
    expect((webStart.body as { clientRequest: Record<string, unknown> }).clientRequest).not.toHaveProperty('token');
    await tick();
    await emu.clock.advance(20_000);
    const ref = { cname: 'web-label', uid: UID, mode: 'web' as const, resourceId: a.resourceId, sid: started.sid! };
    expect(await run('query', ref)).toMatchObject({ kind: 'ok' });
    expect(await run('update', { ...ref, webRecordingConfig: { onhold: true } })).toEqual({ kind: 'ok' });
    expect(await run('stop', ref)).toMatchObject({ kind: 'stopped', uploadingStatus: 'uploaded' });
  });

  it('start confirms the start with a query (Agora: about 5 s after the sid; status 4 or 5 is running)', async () => {
    const s = await recording();
    const queries = emu.calls().filter((c) => c.endpoint === 'query' && c.sid === s.sid);
    expect(queries.length).toBeGreaterThanOrEqual(1);
    setup({ startConfirmDelayMs: 0, ncsConfigured: false });
    const a = await run('acquire', { cname: 'confirm-2', uid: UID, mode: 'mix' });
    const started = await run('start', {
      cname: 'confirm-2',
      uid: UID,
      mode: 'mix',
      resourceId: a.resourceId,
      storageProfile: 'main',
      ...mixConfig,
    });
    expect(started).toMatchObject({ alreadyStarted: false, confirmation: { kind: 'running' }, ncsConfigured: false });
  });

  it('a repeated start → { alreadyStarted: true } (201/7), not a failure', async () => {
    const s = await recording();
    const again = await run('start', { ...s, storageProfile: 'main', ...mixConfig });
    expect(again).toEqual({ alreadyStarted: true, ncsConfigured: true });
  });

  it('stop: 206/435 → no_content; 400/49 → already_exiting; 404 → not_found', async () => {
    const s = await recording({ publisher: false });
    expect(await run('stop', s)).toEqual({ kind: 'no_content' });
    expect(await run('stop', s)).toEqual({ kind: 'already_exiting', code: 49 });
    await emu.clock.advance(61_000);
    expect(await run('stop', s)).toEqual({ kind: 'not_found' });
  });

  it('inside a failover window query, update and updateLayout → not_found; afterwards ok', async () => {
    const s = await recording();
    emu.failover(s.sid, 30_000);
    expect(await run('query', s)).toEqual({ kind: 'not_found' });
    expect(await run('update', { ...s, streamSubscribe: {} })).toEqual({ kind: 'not_found' });
    expect(await run('updateLayout', { ...s, layout: { mixedVideoLayout: 0 } })).toEqual({ kind: 'not_found' });
    await emu.clock.advance(31_000);
    expect(await run('query', s)).toMatchObject({ kind: 'ok' });
  });

  it('query answered code 501 "recording service is exiting" (legacy) → exiting, not a 404', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'error', endpoint: 'query', httpStatus: 400, code: 501, times: 1 });
    expect(await run('query', s)).toEqual({ kind: 'exiting' });
  });
});

describe('failures', () => {
  it('429 → AgoraRateLimited, retryable, nextRetryDelay from the back-off', async () => {
    emu.faults.add({ kind: 'rateLimit', endpoint: 'acquire', times: 1 });
    const f = await failure(
      run('acquire', { cname: 'rl', uid: UID, mode: 'mix' }),
      AgoraFailureType.rateLimited,
      false,
    );
    expect(f.nextRetryDelay).toBe(1_000);
    expect(f.details?.[0]).toMatchObject({ endpoint: 'acquire', httpStatus: 429, outcome: 'rate-limited' });
  });

  it('Retry-After from the answer becomes nextRetryDelay', async () => {
    const stub = await startStub((_q, _b, res) => {
      json(res, 429, { message: 'API rate limit exceeded' }, { 'Retry-After': '7' });
    });
    try {
      setup({}, stub.baseUrl);
      const f = await failure(
        run('acquire', { cname: 'rl', uid: UID, mode: 'mix' }),
        AgoraFailureType.rateLimited,
        false,
      );
      expect(f.nextRetryDelay).toBe(7_000);
    } finally {
      await stub.close();
    }
  });

  it('start: 206/65 → AgoraRetrySameCall; 500/502 → AgoraReacquireNeeded; 433 → AgoraReacquireNeeded; 53 → AgoraTaskConflict', async () => {
    const s = await recording();
    const cname = `act${++seq}`;
    const { resourceId } = await run('acquire', { cname, uid: UID, mode: 'mix' });
    const input = { cname, uid: UID, mode: 'mix' as const, resourceId, storageProfile: 'main', ...mixConfig };
    emu.faults.add({ kind: 'code65', endpoint: 'start', times: 1 });
    await failure(run('start', input), AgoraFailureType.retrySameCall, false);
    emu.faults.add({
      kind: 'error',
      endpoint: 'start',
      httpStatus: 500,
      code: 502,
      reason: 'Failed to allocate worker',
      times: 1,
    });
    await failure(run('start', input), AgoraFailureType.reacquire, true);
    await emu.clock.advance(5 * 60_000 + 1);
    await failure(run('start', input), AgoraFailureType.reacquire, true);

    const second = await run('acquire', { cname: s.cname, uid: UID, mode: 'mix' });
    const conflict = await failure(
      run('start', { ...input, cname: s.cname, resourceId: second.resourceId }),
      AgoraFailureType.taskConflict,
      true,
    );
    expect(conflict.message).toBe('Agora start answered 400/53 (task conflict): invalid-request');
  });

  it('stop: 206/65 → AgoraRetrySameCall (a repeated stop is safe); 504/62 → AgoraRetrySameCall', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'code65', endpoint: 'stop', times: 1, commit: true });
    await failure(run('stop', s), AgoraFailureType.retrySameCall, false);
    // The first stop did land: the retry answers 49, which the workflow treats as stopped.
    expect(await run('stop', s)).toEqual({ kind: 'already_exiting', code: 49 });
    emu.faults.add({
      kind: 'error',
      endpoint: 'query',
      httpStatus: 504,
      code: 62,
      reason: 'request timeout',
      times: 1,
    });
    await failure(run('query', s), AgoraFailureType.retrySameCall, false);
  });

  it('stop whose answer was dropped after it took, repeated by the client: the 49 says earlierAttempts (our own stop)', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'drop', endpoint: 'stop', times: 1, commit: true });
    expect(await run('stop', s)).toEqual({ kind: 'already_exiting', code: 49, earlierAttempts: 1 });
  });

  it('acquire 400/406 → AgoraQuotaExceeded, retryable, 30 s later', async () => {
    emu.faults.add({
      kind: 'error',
      endpoint: 'acquire',
      httpStatus: 400,
      code: 406,
      reason: 'vendor_over_load',
      times: 1,
    });
    const f = await failure(
      run('acquire', { cname: 'q', uid: UID, mode: 'mix' }),
      AgoraFailureType.quotaExceeded,
      false,
    );
    expect(f.nextRetryDelay).toBe(30_000);
  });

  it('credentials rejected → AgoraAuthFailed; 5xx with a code → AgoraServerError; gateway 404 → AgoraInvalidRequest', async () => {
    emu.faults.add({
      kind: 'error',
      endpoint: 'acquire',
      httpStatus: 401,
      message: 'Invalid authentication credentials',
      times: 1,
    });
    await failure(run('acquire', { cname: 'a', uid: UID, mode: 'mix' }), AgoraFailureType.authFailed, true);
    emu.faults.add({
      kind: 'error',
      endpoint: 'acquire',
      httpStatus: 500,
      code: 500,
      reason: 'internal_error',
      times: 1,
    });
    await failure(run('acquire', { cname: 'a', uid: UID, mode: 'mix' }), AgoraFailureType.serverError, false);
    emu.faults.add({
      kind: 'error',
      endpoint: 'acquire',
      httpStatus: 404,
      message: 'no Route matched with those values',
      times: 1,
    });
    await failure(run('acquire', { cname: 'a', uid: UID, mode: 'mix' }), AgoraFailureType.invalidRequest, true);
  });

  it('no domain answers → AgoraNetworkError, retryable, with the errno', async () => {
    setup({}, await closedPortUrl());
    const f = await failure(run('acquire', { cname: 'n', uid: UID, mode: 'mix' }), AgoraFailureType.network, false);
    expect(f.details?.[0]).toMatchObject({ endpoint: 'acquire', errno: 'ECONNREFUSED', attempts: 3 });
    expect(f.cause).toBeUndefined();
  });

  it('a schema-invalid answer → AgoraInvalidResponse, non-retryable, naming the field', async () => {
    const stub = await startStub((_q, _b, res) => {
      json(res, 200, { cname: 'c', uid: UID, resourceId: 'r', sid: 's', serverResponse: { status: 'running' } });
    });
    try {
      setup({}, stub.baseUrl);
      const f = await failure(
        run('query', { cname: 'c', uid: UID, mode: 'mix', resourceId: 'r', sid: 's' }),
        AgoraFailureType.invalidResponse,
        true,
      );
      expect(f.message).toContain('serverResponse.status');
      expect(f.details?.[0]).toMatchObject({ issues: [expect.stringMatching(/^serverResponse\.status: /)] });
    } finally {
      await stub.close();
    }
  });

  it('a web stop payload with a bad uploadingStatus → AgoraInvalidResponse naming the payload field', async () => {
    const stub = await startStub((_q, _b, res) => {
      json(res, 200, {
        resourceId: 'r',
        sid: 's',
        serverResponse: {
          extensionServiceState: [{ serviceName: 'upload_service', playload: { uploadingStatus: 'done' } }],
        },
      });
    });
    try {
      setup({}, stub.baseUrl);
      const f = await failure(
        run('stop', { cname: 'c', uid: UID, mode: 'web', resourceId: 'r', sid: 's' }),
        AgoraFailureType.invalidResponse,
        true,
      );
      expect(f.message).toContain('payload.uploadingStatus');
    } finally {
      await stub.close();
    }
  });

  it('refused before any call: unknown storage profile, bad fileNamePrefix, uid "0", uid outside the range, layout in individual', async () => {
    emu.clearCalls();
    const base = { cname: 'c', uid: UID, mode: 'mix' as const, resourceId: 'r', ...mixConfig };
    const unknown = await failure(
      run('start', { ...base, storageProfile: 'nope' }),
      AgoraFailureType.unknownStorageProfile,
      true,
    );
    expect(unknown.message).toMatch(/^storageProfile: /);
    const prefix = await failure(
      run('start', { ...base, storageProfile: 'main', fileNamePrefix: ['has_underscore'] }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(prefix.message).toContain('fileNamePrefix[0]');
    const zero = await failure(
      run('acquire', { cname: 'c', uid: '0', mode: 'mix' }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(zero.message).toMatch(/^uid: /);
    setup({ recorderUidRange: { min: 4_000_000_000, max: 4_294_967_295 } });
    await failure(run('acquire', { cname: 'c', uid: '1001', mode: 'mix' }), AgoraFailureType.invalidRequest, true);
    const layout = await failure(
      run('updateLayout', { cname: 'c', uid: UID, mode: 'individual', resourceId: 'r', sid: 's', layout: {} }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(layout.message).toMatch(/^mode: /);
    const badLayout = await failure(
      run('updateLayout', {
        cname: 'c',
        uid: UID,
        mode: 'mix',
        resourceId: 'r',
        sid: 's',
        layout: { mixedVideoLayout: 3 },
      }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(badLayout.message).toContain('clientRequest.layoutConfig');
    expect(emu.calls()).toEqual([]);
  });

  it('a token lifetime Agora cannot issue → AgoraInvalidRequest naming the field; without a certificate no token is sent', async () => {
    const cname = `act${++seq}`;
    const { resourceId } = await run('acquire', { cname, uid: UID, mode: 'mix' });
    const input = { cname, uid: UID, mode: 'mix' as const, resourceId, storageProfile: 'main', ...mixConfig };
    const f = await failure(
      run('start', { ...input, tokenLifetimeSeconds: 48 * 3600 }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(f.message).toMatch(/^maxDurationSeconds: /);
    setup({ appCertificate: undefined });
    await run('start', input);
    const call = emu
      .calls()
      .find((c) => c.endpoint === 'start' && c.resourceId === resourceId && c.httpStatus === 200)!;
    expect((call.body as { clientRequest: Record<string, unknown> }).clientRequest).not.toHaveProperty('token');
  });

  it('decryption by reference: encryptionProfile merges the key into recordingConfig; unknown → AgoraInvalidRequest', async () => {
    const cname = `act${++seq}`;
    const { resourceId } = await run('acquire', { cname, uid: UID, mode: 'mix' });
    const input = { cname, uid: UID, mode: 'mix' as const, resourceId, storageProfile: 'main', ...mixConfig };
    const bad = await failure(
      run('start', { ...input, encryptionProfile: 'nope' }),
      AgoraFailureType.invalidRequest,
      true,
    );
    expect(bad.message).toMatch(/^encryptionProfile: /);
    const noConfig = { ...input, recordingConfig: undefined, encryptionProfile: 'e2e' };
    await failure(run('start', noConfig), AgoraFailureType.invalidRequest, true);
    expect(await run('start', { ...input, encryptionProfile: 'e2e' })).toMatchObject({ alreadyStarted: false });
    const call = emu
      .calls()
      .find((c) => c.endpoint === 'start' && c.resourceId === resourceId && c.httpStatus === 200)!;
    expect(call.body).toMatchObject({
      clientRequest: { recordingConfig: { channelType: 0, decryptionMode: 6, secret: '***' } },
    });
  });

  it('storage profiles may come from a function (e.g. fresh STS credentials)', async () => {
    const names: string[] = [];
    setup({
      storageProfiles: (name) => {
        names.push(name);
        return name === 'dynamic' ? storageProfiles.main : undefined;
      },
    });
    const cname = `act${++seq}`;
    const { resourceId } = await run('acquire', { cname, uid: UID, mode: 'mix' });
    expect(
      await run('start', { cname, uid: UID, mode: 'mix', resourceId, storageProfile: 'dynamic', ...mixConfig }),
    ).toMatchObject({
      alreadyStarted: false,
    });
    await failure(
      run('start', { cname, uid: UID, mode: 'mix', resourceId, storageProfile: 'other', ...mixConfig }),
      AgoraFailureType.unknownStorageProfile,
      true,
    );
    expect(names).toEqual(['dynamic', 'other']);
  });
});

describe('cancellation and budget', () => {
  it('cancelling the activity aborts the HTTP call: CancelledFailure', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'latency', endpoint: 'query', ms: 3_000, realTime: true, times: 1 });
    const p = run('query', s);
    setTimeout(() => {
      env.cancel();
    }, 100);
    const t0 = Date.now();
    const err = await capture.rejection(p);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('a stop that takes 20 s succeeds under the stop activity options (40 s start-to-close, 25 s HTTP timeout)', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'latency', endpoint: 'stop', ms: 20_000, realTime: true, times: 1 });
    const startToCloseTimeoutMs = Number(/^(\d+) seconds$/.exec(activityOptions.stop.startToCloseTimeout)![1]) * 1000;
    const stopEnv = new MockActivityEnvironment({ startToCloseTimeoutMs }, { logger: capture.temporalLogger });
    const t0 = Date.now();
    expect(await stopEnv.run(acts.stop, s)).toMatchObject({ kind: 'stopped', uploadingStatus: 'uploaded' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19_900);
  }, 60_000);

  it('the HTTP budget stays inside the start-to-close timeout', async () => {
    const s = await recording();
    emu.faults.add({ kind: 'latency', endpoint: 'query', ms: 3_000, realTime: true, times: 3 });
    const short = new MockActivityEnvironment({ startToCloseTimeoutMs: 3_000 }, { logger: capture.temporalLogger });
    const t0 = Date.now();
    const err = await capture.rejection(short.run(acts.query, s));
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: AgoraFailureType.network, details: [{ errno: 'ETIMEDOUT' }] });
  });
});
