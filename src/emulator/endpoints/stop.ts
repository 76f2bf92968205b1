/**
 * stop (https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): ends the recording. Synchronous
 * stop answers once the upload is over (`syncStopMs`), async at once. An upload longer than `syncStopTimeoutMs` (20 s)
 * → 400 code 50 (HTTP status undocumented). Nothing recorded → 206 code 435. Already exited (repeated stop, idle exit)
 * → 400 code 49 within `exitGraceMs` of the exit, 404 after.
 */
import { stopRequestSchema } from '../../agora/schemas';
import { agoraError, invalidBody, ok, workerNotFound } from '../replies';
import { type EmulatorState } from '../state';
import { type RecordingTask } from '../task';
import { checkIdentity, findTask, isReply } from './lookup';
import { type EndpointHandler } from './types';

export const stop: EndpointHandler = async (state, req) => {
  const parsed = stopRequestSchema.safeParse(req.body);
  if (!parsed.success) return invalidBody(parsed.error);
  const task = findTask(state, req);
  if (isReply(task)) return task;
  const mismatch = checkIdentity(task, parsed.data);
  if (mismatch) return mismatch;
  if (task.phase !== 'recording') {
    const exitedAt = task.exitedAt ?? 0;
    if (state.clock.now() - exitedAt <= state.options.exitGraceMs) return agoraError(400, 49, 'invalid operation');
    return workerNotFound();
  }
  const identity = { cname: task.cname, uid: task.uid, resourceId: task.resourceId, sid: task.sid };
  if (!task.hasContent()) {
    task.end('stopped');
    return { status: 206, body: { ...identity, code: 435, reason: 'no recorded data' } };
  }
  task.end('stopped');
  if (!parsed.data.clientRequest.async_stop && !(await uploadWithin(state, task))) {
    // Agora gives a synchronous stop about 20 s; the files keep uploading and NCS 31/32 still report them.
    return agoraError(400, 50, 'upload timeout');
  }
  return ok({ ...identity, serverResponse: task.stopServerResponse() });
};

/** Waits for the task's upload, at most `syncStopTimeoutMs` (emulated). @returns whether it finished in time */
function uploadWithin(state: EmulatorState, task: RecordingTask): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = state.clock.after(state.options.syncStopTimeoutMs, () => {
      resolve(false);
    });
    void task.uploadDone.then(() => {
      timer.cancel();
      resolve(true);
    });
  });
}
