/**
 * What query and stop say about a recording (https://docs.agora.io/en/cloud-recording/rest-api/query,
 * https://docs.agora.io/en/cloud-recording/rest-api/stop) and what events 31/32 carry
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), per mode:
 * - individual / mix: `fileListMode` + `fileList` (string or array, see `files.ts`); snapshots: no list at all;
 * - web: `extensionServiceState` entries for `web_recorder_service` (lower-case `filename`), `rtmp_publish_service`
 *   when pushing to a CDN, and on stop `upload_service` with `uploadingStatus`.
 */
import { type StartClientRequest } from '../agora/schemas';
import { type FileFacts, fileListing, trackTypeOf } from './files';

/** Outcome of the upload after exit (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
export type UploadingStatus = 'uploaded' | 'backuped' | 'unknown';

/** The facts the answers depend on. */
export interface AnswerFacts {
  files: FileFacts;
  /** https://docs.agora.io/en/cloud-recording/rest-api/query status. */
  status: number;
  exited: boolean;
  /** Web mode: paused. */
  onhold: boolean;
  request: StartClientRequest;
  uploadingStatus?: UploadingStatus;
}

/** query's `serverResponse` (https://docs.agora.io/en/cloud-recording/rest-api/query). */
export function queryServerResponse(f: AnswerFacts): Record<string, unknown> {
  const status = f.status;
  if (f.files.mode === 'web') return { status, extensionServiceState: webState(f, false) };
  const sliceStartTime = f.files.firstSliceAt ?? 0;
  const listing = fileListing(f.files);
  if ('none' in listing || 'web' in listing) return { status, sliceStartTime };
  return { status, fileListMode: listing.fileListMode, fileList: listing.fileList, sliceStartTime };
}

/**
 * stop's `serverResponse` (https://docs.agora.io/en/cloud-recording/rest-api/stop). `uploadingStatus` is "unknown"
 * until the upload is over (async stop).
 */
export function stopServerResponse(f: AnswerFacts): Record<string, unknown> {
  const uploadingStatus = f.uploadingStatus ?? 'unknown';
  if (f.files.mode === 'web') {
    return {
      extensionServiceState: [{ serviceName: 'upload_service', payload: { uploadingStatus } }, ...webState(f, true)],
    };
  }
  const listing = fileListing(f.files);
  if ('none' in listing || 'web' in listing) return { uploadingStatus };
  return { fileListMode: listing.fileListMode, fileList: listing.fileList, uploadingStatus };
}

/**
 * Details of events 31/32: always an array `fileList`, even where query shows mix's string form
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
export function uploadDetails(f: AnswerFacts): Record<string, unknown> {
  // Web mode's 31/32 carry only msgName and status
  // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
  if (f.files.mode === 'web') return { status: 0 };
  const listing = fileListing(f.files);
  if ('fileListMode' in listing && listing.fileListMode === 'json') return { status: 0, fileList: listing.fileList };
  if ('fileListMode' in listing) {
    const entry = {
      fileName: listing.fileList,
      trackType: trackTypeOf(f.files.streamTypes),
      uid: '0',
      mixedAllUser: true,
      isPlayable: true,
      sliceStartTime: f.files.firstSliceAt ?? 0,
    };
    return { status: 0, fileList: [entry] };
  }
  return { status: 0, fileList: [] };
}

/** Web mode's `extensionServiceState` entries (without `upload_service`). */
function webState(f: AnswerFacts, stopped: boolean): Record<string, unknown>[] {
  const listing = fileListing(f.files);
  const fileList = 'web' in listing ? listing.web : [];
  const state = stopped || f.exited ? 'exit' : f.files.firstSliceAt === undefined ? 'init' : 'inProgress';
  const out: Record<string, unknown>[] = [
    { serviceName: 'web_recorder_service', payload: { fileList, onhold: stopped ? false : f.onhold, state } },
  ];
  for (const s of f.request.extensionServiceConfig?.extensionServices ?? []) {
    if (s.serviceName !== 'rtmp_publish_service') continue;
    const status = stopped ? 'disconnected' : f.onhold ? 'onhold' : 'publishing';
    const outputs = s.serviceParam.outputs.map((o) => ({ rtmpUrl: o.rtmpUrl, status }));
    out.push({ serviceName: 'rtmp_publish_service', payload: { outputs, state: stopped ? 'exit' : 'inProgress' } });
  }
  return out;
}
