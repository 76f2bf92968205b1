/** Shared helpers for the emulator tests: a started emulator, raw HTTP calls over loopback, typical request bodies. */
import http from 'node:http';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';

export const CREDS = {
  appId: 'testappid0000000000000000000000a',
  customerId: 'cust-id',
  customerSecret: 'cust-secret',
};

/** Starts an emulator with a manual clock and test credentials. */
export function startTestEmulator(opts: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ ...CREDS, clock: { mode: 'manual' }, qpsLimit: 0, ...opts });
}

/** An HTTP answer. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** Options of a raw call. */
export interface CallOptions {
  /** Authorization header; default: Basic with the test credentials; null = none. */
  authorization?: string | null;
  contentType?: string | null;
  /** Raw body text (overrides `body`). */
  raw?: string;
}

/** The Basic header of the test credentials. */
export function basic(id = CREDS.customerId, secret = CREDS.customerSecret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** One HTTP request to the emulator (fresh connection, so no keep-alive leaks between tests). */
export function call(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
  o: CallOptions = {},
): Promise<Answer> {
  const url = new URL(path, emu.baseUrl);
  const payload = o.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const headers: Record<string, string> = {};
  const auth = o.authorization === undefined ? basic() : o.authorization;
  if (auth !== null) headers.Authorization = auth;
  const ct = o.contentType === undefined ? (payload === undefined ? null : 'application/json') : o.contentType;
  if (ct !== null) headers['Content-Type'] = ct;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Path prefix for the test App ID. */
export function prefix(appId = CREDS.appId): string {
  return `/v1/apps/${appId}/cloud_recording`;
}

/** A storage config (fake keys). */
export const storageConfig = {
  vendor: 1,
  region: 0,
  bucket: 'bucket',
  accessKey: 'AKIA-TEST-ACCESS',
  secretKey: 'TEST-SECRET-KEY',
  fileNamePrefix: ['rec', 'room1'],
};

/** start clientRequests per mode. */
export const clientRequests = {
  mix: (extra: Record<string, unknown> = {}) => ({
    recordingConfig: {
      channelType: 1,
      streamTypes: 2,
      maxIdleTime: 30,
      transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 },
    },
    recordingFileConfig: { avFileType: ['hls', 'mp4'] },
    storageConfig,
    ...extra,
  }),
  individual: (extra: Record<string, unknown> = {}) => ({
    recordingConfig: { channelType: 1, streamTypes: 2, subscribeUidGroup: 0, maxIdleTime: 30 },
    recordingFileConfig: { avFileType: ['hls'] },
    storageConfig,
    ...extra,
  }),
  web: (extra: Record<string, unknown> = {}) => ({
    extensionServiceConfig: {
      extensionServices: [
        {
          serviceName: 'web_recorder_service',
          serviceParam: {
            url: 'https://example.com/page',
            audioProfile: 0,
            videoWidth: 1280,
            videoHeight: 720,
            maxRecordingHour: 1,
          },
        },
      ],
    },
    recordingFileConfig: { avFileType: ['hls', 'mp4'] },
    storageConfig,
    ...extra,
  }),
};

type Mode = keyof typeof clientRequests;

/** Typed shortcuts for the six endpoints. */
export function api(emu: Emulator) {
  const p = prefix();
  return {
    acquire: (cname: string, uid: string, clientRequest: Record<string, unknown> = {}) =>
      call(emu, 'POST', `${p}/acquire`, { cname, uid, clientRequest }),
    start: (resourceId: string, mode: string, cname: string, uid: string, clientRequest: unknown) =>
      call(emu, 'POST', `${p}/resourceid/${resourceId}/mode/${mode}/start`, { cname, uid, clientRequest }),
    query: (resourceId: string, sid: string, mode: string) =>
      call(emu, 'GET', `${p}/resourceid/${resourceId}/sid/${sid}/mode/${mode}/query`),
    update: (resourceId: string, sid: string, mode: string, cname: string, uid: string, clientRequest: unknown) =>
      call(emu, 'POST', `${p}/resourceid/${resourceId}/sid/${sid}/mode/${mode}/update`, { cname, uid, clientRequest }),
    updateLayout: (resourceId: string, sid: string, cname: string, uid: string, clientRequest: unknown, mode = 'mix') =>
      call(emu, 'POST', `${p}/resourceid/${resourceId}/sid/${sid}/mode/${mode}/updateLayout`, {
        cname,
        uid,
        clientRequest,
      }),
    stop: (resourceId: string, sid: string, mode: string, cname: string, uid: string, clientRequest = {}) =>
      call(emu, 'POST', `${p}/resourceid/${resourceId}/sid/${sid}/mode/${mode}/stop`, { cname, uid, clientRequest }),
  };
}

/** A started recording: ids plus shortcuts bound to it. */
export interface Started {
  resourceId: string;
  sid: string;
  cname: string;
  uid: string;
  mode: Mode;
}

/** acquire + start; asserts both succeed. */
export async function startRecording(
  emu: Emulator,
  mode: Mode = 'mix',
  cname = 'room1',
  uid = '527841',
  clientRequest: unknown = clientRequests[mode](),
): Promise<Started> {
  const a = api(emu);
  const acq = await a.acquire(cname, uid, mode === 'web' ? { scene: 1 } : {});
  expect(acq.status).toBe(200);
  const resourceId = acq.body.resourceId as string;
  const st = await a.start(resourceId, mode, cname, uid, clientRequest);
  expect(st.status).toBe(200);
  return { resourceId, sid: st.body.sid as string, cname, uid, mode };
}

/** `expect.any(Number)`, typed `unknown` so type-checked lint accepts it inside object literals. */
export function anyNumber(): unknown {
  return expect.any(Number) as unknown;
}

/** `expect.stringMatching(re)`, typed `unknown`. */
export function matching(re: RegExp): unknown {
  return expect.stringMatching(re) as unknown;
}

/**
 * Resolves once the emulator has received `count` calls to `endpoint`. From that moment the request's clock timers
 * (latency, upload) are registered, so a test may advance the clock without racing the request over the network.
 */
export async function arrived(emu: Emulator, endpoint: string, count = 1): Promise<void> {
  for (;;) {
    if (emu.calls().filter((c) => c.endpoint === endpoint).length >= count) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
