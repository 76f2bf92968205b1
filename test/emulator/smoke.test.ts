import { type Emulator } from '../../src/emulator';
import { api, startRecording, startTestEmulator } from '../support/emulator';

let emu: Emulator;
beforeEach(async () => (emu = await startTestEmulator()));
afterEach(() => emu.close());

test('a mix recording runs through acquire, start, query, stop', async () => {
  emu.channel('room1').join('1001');
  const r = await startRecording(emu, 'mix');
  const q = await api(emu).query(r.resourceId, r.sid, 'mix');
  expect(q.status).toBe(200);
  expect(q.body.serverResponse).toMatchObject({ status: 5, fileListMode: 'json' });
  const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
  expect(s.status).toBe(200);
  expect(s.body.serverResponse).toMatchObject({ uploadingStatus: 'uploaded', fileListMode: 'json' });
  expect(emu.tasks()[0]).toMatchObject({ phase: 'exited', endReason: 'stopped' });
});

test('startEmulator refuses missing credentials and a callback URL that is not http(s)', async () => {
  await expect(startTestEmulator({ customerSecret: '' })).rejects.toThrow(RangeError);
  await expect(startTestEmulator({ callbackUrl: 'ftp://example.com/ncs' })).rejects.toThrow(/callbackUrl/);
  await expect(startTestEmulator({ callbackUrl: 'not a url' })).rejects.toThrow(/callbackUrl/);
});
