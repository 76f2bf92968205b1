/**
 * updateLayout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout): mix only; the body is the whole
 * desired layout (validated as in start: regions in [0,1], at most 17, layout 3 needs layoutConfig). 404 once the
 * recording has exited.
 *
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout names code 1028 for an invalid body while the current
 * status-codes page (https://docs.agora.io/en/cloud-recording/rest-api/status-codes) gives 400 code 2; the emulator
 * follows the current page.
 */
import { updateLayoutRequestSchema } from '../../agora/schemas';
import { invalidBody, invalidParams, ok, workerNotFound } from '../replies';
import { checkIdentity, findTask, isReply } from './lookup';
import { type EndpointHandler } from './types';

export const updateLayout: EndpointHandler = (state, req) => {
  if (req.mode !== 'mix') return Promise.resolve(invalidParams('mode: updateLayout is only available in mix mode'));
  const parsed = updateLayoutRequestSchema.safeParse(req.body);
  if (!parsed.success) return Promise.resolve(invalidBody(parsed.error));
  const task = findTask(state, req);
  if (isReply(task)) return Promise.resolve(task);
  const mismatch = checkIdentity(task, parsed.data);
  if (mismatch) return Promise.resolve(mismatch);
  if (task.phase !== 'recording') return Promise.resolve(workerNotFound());
  task.updateLayout(parsed.data.clientRequest);
  return Promise.resolve(ok({ cname: task.cname, uid: task.uid, resourceId: task.resourceId, sid: task.sid }));
};
