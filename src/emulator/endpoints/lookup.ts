/**
 * Finding the task a query/update/updateLayout/stop addresses
 * (https://docs.agora.io/en/cloud-recording/rest-api/query, https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): unknown sid → 404; sid of
 * another resourceId → 400 code 1003; wrong mode → 400 code 2; HA failover window → 404; API window
 * (`resourceExpiredHour`) over → 404; exited → 404 (stop decides 49 vs 404 itself).
 */
import { modeSchema } from '../../agora/schemas';
import { agoraError, invalidParams, type Reply, workerNotFound } from '../replies';
import { type EmulatorState } from '../state';
import { RecordingTask } from '../task';
import { type EndpointRequest } from './types';

/** @returns the task, or the error answer */
export function findTask(state: EmulatorState, req: EndpointRequest): RecordingTask | Reply {
  const mode = modeSchema.safeParse(req.mode);
  if (!mode.success) return invalidParams('mode: must be individual, mix or web');
  const task = state.tasks.get(req.sid ?? '');
  if (!task) return workerNotFound();
  if (task.resourceId !== req.resourceId) return agoraError(400, 1003, 'sid does not match the resourceId');
  if (task.mode !== mode.data) return invalidParams(`mode: the recording was started in ${task.mode} mode`);
  const now = state.clock.now();
  if (now < task.failoverUntil) return workerNotFound();
  const resource = state.resources.get(task.resourceId);
  if (resource && now > task.startedAt + resource.resourceExpiredHour * 3_600_000) return workerNotFound();
  return task;
}

/**
 * Body cname/uid must repeat the ones of acquire (https://docs.agora.io/en/cloud-recording/rest-api/overview);
 * otherwise 400 code 432.
 */
export function checkIdentity(task: RecordingTask, body: { cname: string; uid: string }): Reply | undefined {
  if (body.cname !== task.cname || body.uid !== task.uid) {
    return agoraError(400, 432, 'cname or uid does not match the resourceId');
  }
  return undefined;
}

/** Narrows {@link findTask}'s result. */
export function isReply(x: RecordingTask | Reply): x is Reply {
  return !(x instanceof RecordingTask);
}
