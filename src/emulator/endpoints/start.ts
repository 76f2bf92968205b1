/**
 * start (https://docs.agora.io/en/cloud-recording/rest-api/start) and the rules of
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: the body and its mode-specific
 * rules (400 code 2 naming the field), the resourceId (unknown 1001, cname/uid mismatch 432, already used 201 code 7,
 * older than 5 min 433), acquire's scene and startParameter, and one task per cname+uid (400 code 53).
 */
import { isDeepStrictEqual } from 'node:util';
import { checkStartForMode, modeSchema, startRequestSchema } from '../../agora/schemas';
import { newSid } from '../ids';
import { agoraError, invalidBody, invalidParams, ok } from '../replies';
import { RecordingTask } from '../task';
import { type EndpointHandler } from './types';

export const start: EndpointHandler = (state, req) => Promise.resolve(handle(state, req));

function handle(...[state, req]: Parameters<EndpointHandler>) {
  const mode = modeSchema.safeParse(req.mode);
  if (!mode.success) return invalidParams('mode: must be individual, mix or web');
  const parsed = startRequestSchema.safeParse(req.body);
  if (!parsed.success) return invalidBody(parsed.error);
  const { cname, uid, clientRequest } = parsed.data;
  const problems = checkStartForMode(mode.data, clientRequest);
  if (problems[0]) return invalidParams(problems.map((p) => `${p.path}: ${p.message}`).join('; '));

  const resource = state.resources.get(req.resourceId ?? '');
  if (!resource) return agoraError(400, 1001, 'failed to parse resourceId');
  if (resource.cname !== cname || resource.uid !== uid) {
    return agoraError(400, 432, 'cname or uid does not match the resourceId');
  }
  if (resource.sid !== undefined) {
    // Agora also reports the call that did not fit the state with event 3
    // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
    state.tasks.get(resource.sid)?.emitStatusUpdate();
    return agoraError(201, 7, 'already started');
  }
  if (state.clock.now() - resource.acquiredAt > state.options.resourceTtlMs) {
    return agoraError(400, 433, 'resourceId expired');
  }
  if ((mode.data === 'web') !== (resource.scene === 1)) {
    return invalidParams('clientRequest.scene: web mode needs acquire scene 1, and scene 1 is for web mode only');
  }
  if (resource.scene === 2 && (!clientRequest.appsCollection || !clientRequest.transcodeOptions)) {
    return invalidParams('clientRequest.appsCollection: scene 2 needs appsCollection and transcodeOptions');
  }
  const raw = (req.body as { clientRequest?: unknown }).clientRequest;
  if (resource.startParameter !== undefined && !isDeepStrictEqual(raw, resource.startParameter)) {
    return invalidParams('clientRequest: must be identical to acquire clientRequest.startParameter');
  }
  for (const t of state.liveTasks()) {
    if (t.cname === cname && t.uid === uid) return agoraError(400, 53, 'task conflict');
  }

  const sid = newSid();
  resource.sid = sid;
  const task = new RecordingTask(state.taskEnv(), sid, resource.resourceId, cname, uid, mode.data, clientRequest);
  state.tasks.set(sid, task);
  task.begin();
  return ok({ cname, uid, resourceId: resource.resourceId, sid });
}
