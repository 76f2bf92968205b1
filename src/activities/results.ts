/**
 * From an Agora answer to an activity result: for each endpoint, which outcomes (src/agora/outcomes.ts) are results
 * the workflow branches on, and what the result carries. Every other outcome becomes a typed failure (./failures.ts).
 * Web mode's upload status and file list come from the `extensionServiceState` payloads, validated here like the rest
 * of the body. The codes are Agora's (https://docs.agora.io/en/cloud-recording/rest-api/status-codes).
 */
import type { z } from 'zod';
import type { AgoraAnswer } from '../agora/client';
import {
  describeZodError,
  joinPath,
  fileListSchema,
  uploadingStatusSchema,
  type AcquireResponse,
  type FileList,
  type QueryResponse,
  type StartResponse,
  type StopResponse,
  type UploadingStatus,
} from '../agora/schemas';
import { AgoraSchemaError } from '../agora/errors';
import { failureForAnswer } from './failures';
import type { AcquireResult, QueryResult, StartResult, StopResult, UpdateResult } from '../contract';

/**
 * acquire's result (https://docs.agora.io/en/cloud-recording/rest-api/acquire).
 * @returns `{ resourceId, requestId? }` for `ok`; the resourceId lives 5 minutes.
 * @throws ApplicationFailure for any other outcome ({@link failureForAnswer}).
 */
export function acquireResult(answer: AgoraAnswer<AcquireResponse>): AcquireResult {
  if (answer.outcome !== 'ok') throw failureForAnswer(answer);
  return withRequestId({ resourceId: answer.body.resourceId }, answer.requestId);
}

/**
 * start's result (https://docs.agora.io/en/cloud-recording/rest-api/start).
 * @returns `{ alreadyStarted: false, sid, requestId? }` (200) or `{ alreadyStarted: true, sid? }` (201/7: this
 *   resourceId was started before; the sid is there only if Agora echoed it).
 * @throws ApplicationFailure for any other outcome ({@link failureForAnswer}).
 */
export function startResult(answer: AgoraAnswer<StartResponse>): StartResult {
  if (answer.outcome === 'ok') {
    return withRequestId({ alreadyStarted: false as const, sid: answer.body.sid }, answer.requestId);
  }
  if (answer.outcome === 'already-started') {
    return answer.body.sid === undefined
      ? { alreadyStarted: true as const }
      : { alreadyStarted: true as const, sid: answer.body.sid };
  }
  throw failureForAnswer(answer);
}

/**
 * query's result (https://docs.agora.io/en/cloud-recording/rest-api/query).
 * @returns `{ kind: 'ok', status?, fileList?, sliceStartTime? }` (`sliceStartTime` Unix time in ms; web mode's fileList comes
 *   from the web_recorder_service payload), `{ kind: 'not_found' }` for a 404 (gone, or inside the ~90 s window in
 *   which Agora moves a recorder to another server: the workflow decides with its own clock), `{ kind: 'exiting' }`
 *   for the legacy 501 "service exiting".
 * @throws AgoraSchemaError when a web payload's fileList is invalid; ApplicationFailure for any other outcome.
 */
export function queryResult(answer: AgoraAnswer<QueryResponse>): QueryResult {
  switch (answer.outcome) {
    case 'ok':
      return queryBodyResult(answer.body);
    case 'maybe-failover':
    case 'not-found':
      return { kind: 'not_found' };
    case 'already-exiting':
      return { kind: 'exiting' };
    default:
      throw failureForAnswer(answer);
  }
}

/**
 * update's and updateLayout's result (https://docs.agora.io/en/cloud-recording/rest-api/update,
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
 * @returns `{ kind: 'ok' }`, or `{ kind: 'not_found' }` for a 404 (as for query) or a task already exiting.
 * @throws ApplicationFailure for any other outcome ({@link failureForAnswer}).
 */
export function updateResult(answer: AgoraAnswer<unknown>): UpdateResult {
  switch (answer.outcome) {
    case 'ok':
      return { kind: 'ok' };
    case 'maybe-failover':
    case 'not-found':
    case 'already-exiting':
      return { kind: 'not_found' };
    default:
      throw failureForAnswer(answer);
  }
}

/**
 * stop's result (https://docs.agora.io/en/cloud-recording/rest-api/stop).
 * @returns `{ kind: 'stopped', uploadingStatus?, fileList? }` (200; web mode reads the upload_service payload),
 *   `{ kind: 'no_content' }` (206/435), `{ kind: 'already_exiting' }` (400/49, or code 50 upload timeout, or legacy
 *   501), `{ kind: 'not_found' }` (404: the task is gone).
 * @throws AgoraSchemaError when a web payload's uploadingStatus or fileList is invalid; ApplicationFailure for any
 *   other outcome ({@link failureForAnswer}).
 */
export function stopResult(answer: AgoraAnswer<StopResponse>): StopResult {
  switch (answer.outcome) {
    case 'ok':
      return stopBodyResult(answer.body);
    case 'no-content':
      return { kind: 'no_content' };
    case 'already-exiting':
      return answer.code === undefined ? { kind: 'already_exiting' } : { kind: 'already_exiting', code: answer.code };
    case 'not-found':
    case 'maybe-failover':
      return { kind: 'not_found' };
    default:
      throw failureForAnswer(answer);
  }
}

function withRequestId<T extends object>(result: T, requestId: string | undefined): T & { requestId?: string } {
  return requestId === undefined ? result : { ...result, requestId };
}

/** The web_recorder_service / upload_service payload of web mode (`payload`, or the legacy `playload`). */
function servicePayload(
  state: QueryResponse['serverResponse']['extensionServiceState'],
  serviceName: string,
): Record<string, unknown> | undefined {
  // Already validated by the response schema; only the payload's inner keys are checked by the callers.
  const entry = state?.find((s) => s.serviceName === serviceName);
  return entry?.payload ?? entry?.playload;
}

/** A web payload's fileList, validated like any other fileList. */
function payloadFileList(payload: Record<string, unknown> | undefined): FileList | undefined {
  if (payload?.fileList === undefined) return undefined;
  const parsed = fileListSchema.safeParse(payload.fileList);
  if (!parsed.success) throw invalidPayload('fileList', parsed.error);
  return parsed.data;
}

function invalidPayload(field: string, error: z.ZodError): AgoraSchemaError {
  const prefix = `serverResponse.extensionServiceState[].payload.${field}`;
  const issues = error.issues.map((i) => `${joinPath(prefix, i.path)}: ${i.message}`);
  return new AgoraSchemaError(`Agora answered with an invalid body: ${describeZodError(error, prefix)}`, issues, {});
}

function queryBodyResult(body: QueryResponse): QueryResult {
  const sr = body.serverResponse;
  const fileList = sr.fileList ?? payloadFileList(servicePayload(sr.extensionServiceState, 'web_recorder_service'));
  return {
    kind: 'ok',
    ...(sr.status === undefined ? {} : { status: sr.status }),
    ...(fileList === undefined ? {} : { fileList }),
    ...(sr.sliceStartTime === undefined ? {} : { sliceStartTime: sr.sliceStartTime }),
  };
}

function stopBodyResult(body: StopResponse): StopResult {
  const sr = body.serverResponse;
  let uploadingStatus: UploadingStatus | undefined = sr?.uploadingStatus;
  let fileList = sr?.fileList;
  if (sr?.extensionServiceState) {
    const upload = servicePayload(sr.extensionServiceState, 'upload_service');
    const parsed = uploadingStatusSchema.safeParse(upload?.uploadingStatus);
    if (upload?.uploadingStatus !== undefined && !parsed.success) throw invalidPayload('uploadingStatus', parsed.error);
    uploadingStatus ??= parsed.success ? parsed.data : undefined;
    fileList ??= payloadFileList(servicePayload(sr.extensionServiceState, 'web_recorder_service'));
  }
  return {
    kind: 'stopped',
    ...(uploadingStatus === undefined ? {} : { uploadingStatus }),
    ...(fileList === undefined ? {} : { fileList }),
  };
}
