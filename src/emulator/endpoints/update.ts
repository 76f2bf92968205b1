/**
 * update (https://docs.agora.io/en/cloud-recording/rest-api/update): subscriptions (individual/mix), web onhold and CDN
 * push (web), storageConfig (all). A field that does not apply to the recording's mode is code 2; 404 once the
 * recording has exited.
 */
import { updateRequestSchema } from '../../agora/schemas';
import { invalidBody, invalidParams, ok, workerNotFound } from '../replies';
import { checkIdentity, findTask, isReply } from './lookup';
import { type EndpointHandler } from './types';

export const update: EndpointHandler = (state, req) => {
  const parsed = updateRequestSchema.safeParse(req.body);
  if (!parsed.success) return Promise.resolve(invalidBody(parsed.error));
  const task = findTask(state, req);
  if (isReply(task)) return Promise.resolve(task);
  const mismatch = checkIdentity(task, parsed.data);
  if (mismatch) return Promise.resolve(mismatch);
  if (task.phase !== 'recording') return Promise.resolve(workerNotFound());
  const cr = parsed.data.clientRequest;
  if (task.mode === 'web' && cr.streamSubscribe) {
    return Promise.resolve(invalidParams('clientRequest.streamSubscribe: not applicable in web mode'));
  }
  if (task.mode !== 'web' && (cr.webRecordingConfig || cr.rtmpPublishConfig)) {
    const field = cr.webRecordingConfig ? 'webRecordingConfig' : 'rtmpPublishConfig';
    return Promise.resolve(invalidParams(`clientRequest.${field}: only applicable in web mode`));
  }
  task.update(cr);
  return Promise.resolve(ok({ cname: task.cname, uid: task.uid, resourceId: task.resourceId, sid: task.sid }));
};
