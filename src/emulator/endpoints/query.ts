/**
 * query (https://docs.agora.io/en/cloud-recording/rest-api/query): GET, no body; status
 * (https://docs.agora.io/en/cloud-recording/rest-api/query) and the file list of a live recording; 404 once it has
 * exited.
 */
import { ok, workerNotFound } from '../replies';
import { findTask, isReply } from './lookup';
import { type EndpointHandler } from './types';

export const query: EndpointHandler = (state, req) => {
  const task = findTask(state, req);
  if (isReply(task)) return Promise.resolve(task);
  if (task.phase !== 'recording') return Promise.resolve(workerNotFound());
  return Promise.resolve(
    ok({
      cname: task.cname,
      uid: task.uid,
      resourceId: task.resourceId,
      sid: task.sid,
      serverResponse: task.queryServerResponse(),
    }),
  );
};
