import { type Emulator } from '../../src/emulator';
import { api, clientRequests, startRecording, startTestEmulator, storageConfig } from '../support/emulator';

const mixWith = (transcoding: Record<string, unknown>) =>
  clientRequests.mix({
    recordingConfig: { channelType: 1, transcodingConfig: { width: 640, height: 360, ...transcoding } },
  });
const region = (x: number) => ({ x_axis: x, y_axis: 0, width: 0.5, height: 0.5 });

describe('body validation → 400 code 2 with a reason naming the field (status codes)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test.each([
    ['"0"', '0'],
    ['"abc"', 'abc'],
    ['above 2^32-1', '4294967296'],
    ['a leading zero', '0123'],
  ])('acquire uid %s', async (_name, uid) => {
    const r = await api(emu).acquire('room1', uid);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toMatch(/^uid: /);
  });

  test('uid given as a number', async () => {
    const r = await api(emu).acquire('room1', 527841 as unknown as string);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toMatch(/^uid: /);
  });

  test('a key in the wrong case is an unknown key (REST overview)', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const body = clientRequests.mix({ RecordingFileConfig: { avFileType: ['hls'] } });
    const r = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', body);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain('RecordingFileConfig');
  });

  const startCases: [string, unknown, string, string?][] = [
    [
      'layout region outside [0,1]',
      mixWith({ mixedVideoLayout: 3, layoutConfig: [region(1.5)] }),
      'clientRequest.recordingConfig.transcodingConfig.layoutConfig[0].x_axis',
    ],
    [
      'mixedVideoLayout 3 without layoutConfig',
      mixWith({ mixedVideoLayout: 3 }),
      'clientRequest.recordingConfig.transcodingConfig.layoutConfig',
    ],
    [
      'more than 17 regions',
      mixWith({ mixedVideoLayout: 3, layoutConfig: Array.from({ length: 18 }, () => region(0)) }),
      'clientRequest.recordingConfig.transcodingConfig.layoutConfig',
    ],
    [
      'bad fileNamePrefix characters',
      clientRequests.mix({ storageConfig: { ...storageConfig, fileNamePrefix: ['rec_1'] } }),
      'clientRequest.storageConfig.fileNamePrefix[0]',
    ],
    [
      'subscribe list with numbers',
      clientRequests.mix({ recordingConfig: { channelType: 1, subscribeAudioUids: [123] } }),
      'clientRequest.recordingConfig.subscribeAudioUids[0]',
    ],
    [
      'avFileType ["mp4"] alone',
      clientRequests.mix({ recordingFileConfig: { avFileType: ['mp4'] } }),
      'clientRequest.recordingFileConfig.avFileType',
    ],
    [
      'individual mode without subscribeUidGroup',
      clientRequests.individual({ recordingConfig: { channelType: 0 } }),
      'clientRequest.recordingConfig.subscribeUidGroup',
      'individual',
    ],
    [
      'mix mode without recordingConfig',
      { storageConfig, recordingFileConfig: { avFileType: ['hls'] } },
      'clientRequest.recordingConfig',
    ],
    ['missing storageConfig', { recordingConfig: { channelType: 0 } }, 'clientRequest.storageConfig'],
    [
      'snapshots with an audio list but no video list',
      {
        recordingConfig: { channelType: 0, subscribeUidGroup: 0, subscribeAudioUids: ['1001'] },
        snapshotConfig: { fileType: ['jpg'] },
        storageConfig,
      },
      'clientRequest.recordingConfig.subscribeVideoUids',
      'individual',
    ],
    [
      'a video list with streamTypes 0 (audio only)',
      clientRequests.mix({ recordingConfig: { channelType: 1, streamTypes: 0, subscribeVideoUids: ['1001'] } }),
      'clientRequest.recordingConfig.subscribeVideoUids',
    ],
  ];

  test.each(startCases)('start: %s', async (_name, clientRequest, field, mode = 'mix') => {
    const acq = await api(emu).acquire('room1', '527841');
    const r = await api(emu).start(acq.body.resourceId as string, mode, 'room1', '527841', clientRequest);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain(field);
    expect(emu.tasks()).toHaveLength(0);
  });

  test('web: videoWidth x videoHeight above 1920 x 1080', async () => {
    const acq = await api(emu).acquire('room1', '527841', { scene: 1 });
    const cr = clientRequests.web();
    Object.assign(cr.extensionServiceConfig.extensionServices[0]!.serviceParam, {
      videoWidth: 1920,
      videoHeight: 1920,
    });
    const r = await api(emu).start(acq.body.resourceId as string, 'web', 'room1', '527841', cr);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain(
      'clientRequest.extensionServiceConfig.extensionServices[0].serviceParam.videoWidth',
    );
  });

  test('the reason never carries the offending value (it may be a secret)', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const body = clientRequests.mix({ storageConfig: { ...storageConfig, secretKey: 12345678 } });
    const r = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', body);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain('clientRequest.storageConfig.secretKey');
    expect(r.body.reason).not.toContain('12345678');
  });

  test('updateLayout: region outside [0,1] and 18 regions', async () => {
    const rec = await startRecording(emu, 'mix');
    const outside = await api(emu).updateLayout(rec.resourceId, rec.sid, rec.cname, rec.uid, {
      mixedVideoLayout: 3,
      layoutConfig: [{ x_axis: 0, y_axis: -0.1, width: 1, height: 1 }],
    });
    expect(outside.status).toBe(400);
    expect(outside.body.code).toBe(2);
    expect(outside.body.reason).toContain('clientRequest.layoutConfig[0].y_axis');
    const tooMany = await api(emu).updateLayout(rec.resourceId, rec.sid, rec.cname, rec.uid, {
      mixedVideoLayout: 3,
      layoutConfig: Array.from({ length: 18 }, () => region(0)),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.reason).toContain('clientRequest.layoutConfig');
  });

  test('update: subscribe list with numbers', async () => {
    const rec = await startRecording(emu, 'individual');
    const r = await api(emu).update(rec.resourceId, rec.sid, 'individual', rec.cname, rec.uid, {
      streamSubscribe: { audioUidList: { subscribeAudioUids: [1001] } },
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain('clientRequest.streamSubscribe.audioUidList.subscribeAudioUids[0]');
  });

  test('stop: uid "0"', async () => {
    const rec = await startRecording(emu, 'mix');
    const r = await api(emu).stop(rec.resourceId, rec.sid, 'mix', rec.cname, '0');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toMatch(/^uid: /);
  });
});
