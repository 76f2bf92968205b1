/**
 * The Agora Cloud Recording shapes that cross the workflow's wire contract, as plain TypeScript: the parts of a start
 * request a caller chooses (recordingConfig, recordingFileConfig, snapshotConfig, extensionServiceConfig), the mix
 * layout, the subscription lists, the file list and the NCS notification. The zod schemas in src/agora/schemas.ts and
 * src/agora/notifications.ts validate the same shapes at the edges, and the compiler checks them against these types.
 *
 * Agora's pages: start https://docs.agora.io/en/cloud-recording/rest-api/start, updateLayout
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout, update
 * https://docs.agora.io/en/cloud-recording/rest-api/update, NCS events
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications.
 */

/** Recording mode, the `{mode}` path segment of start, query, update and stop. */
export type RecordingMode = 'individual' | 'mix' | 'web';

/** A subscribe/unsubscribe list: uid strings or `"#allstream#"`, at most 32 entries. */
export type UidList = string[];

/** One region of a custom layout (mixedVideoLayout 3). Coordinates are relative to the canvas, 0..1. */
export interface LayoutRegion {
  uid?: string;
  x_axis: number;
  y_axis: number;
  width: number;
  height: number;
  alpha?: number;
  render_mode?: 0 | 1;
}

/** A per-uid background image of a mix layout. */
export interface BackgroundConfig {
  uid: string;
  image_url: string;
  render_mode?: 0 | 1;
}

/**
 * The full desired mix layout: exactly the clientRequest of updateLayout (Agora replaces the whole layout). The same
 * fields sit in transcodingConfig. mixedVideoLayout: 0 floating, 1 best fit, 2 vertical, 3 custom (needs layoutConfig).
 */
export interface MixLayout {
  maxResolutionUid?: string;
  mixedVideoLayout?: 0 | 1 | 2 | 3;
  /** `#RRGGBB`. */
  backgroundColor?: string;
  backgroundImage?: string;
  defaultUserBackgroundImage?: string;
  /** At most 17 regions. */
  layoutConfig?: LayoutRegion[];
  backgroundConfig?: BackgroundConfig[];
}

/** transcodingConfig (mix only): the output video and the initial layout. bitrate in Kbps. */
export interface TranscodingConfig extends MixLayout {
  width?: number;
  height?: number;
  fps?: number;
  bitrate?: number;
}

/**
 * recordingConfig of start. `secret` and `salt` are refused in a workflow input (name an encryption profile instead);
 * both spellings of the unsubscribe lists are accepted, as Agora's pages use both.
 */
export interface RecordingConfig {
  /** 0 communication, 1 live broadcast. */
  channelType: 0 | 1;
  /** 0 audio only, 1 video only, 2 both. */
  streamTypes?: 0 | 1 | 2;
  decryptionMode?: number;
  secret?: string;
  salt?: string;
  /** Seconds with nobody publishing before Agora ends the task, 5..2592000. */
  maxIdleTime?: number;
  videoStreamType?: 0 | 1;
  subscribeAudioUids?: UidList;
  unSubscribeAudioUids?: UidList;
  unsubscribeAudioUids?: UidList;
  subscribeVideoUids?: UidList;
  unSubscribeVideoUids?: UidList;
  unsubscribeVideoUids?: UidList;
  subscribeUidGroup?: number;
  streamMode?: 'default' | 'standard' | 'original';
  audioProfile?: 0 | 1 | 2;
  transcodingConfig?: TranscodingConfig;
  privateParams?: string;
}

/** recordingFileConfig: `["hls"]` or `["hls", "mp4"]` (`["mp4"]` alone is refused). */
export interface RecordingFileConfig {
  avFileType?: ('hls' | 'mp4')[];
}

/** snapshotConfig (individual only). captureInterval in seconds, 1..3600. */
export interface SnapshotConfig {
  captureInterval?: number;
  fileType: ['jpg'];
}

/** The web page recorder of web mode. Sizes in pixels, maxRecordingHour in hours, maxVideoDuration in minutes. */
export interface WebRecorderService {
  serviceName: 'web_recorder_service';
  errorHandlePolicy?: string;
  serviceParam: {
    url: string;
    audioProfile: 0 | 1 | 2;
    videoWidth: number;
    videoHeight: number;
    maxRecordingHour: number;
    videoBitrate?: number;
    videoFps?: number;
    mobile?: boolean;
    maxVideoDuration?: number;
    onhold?: boolean;
    readyTimeout?: number;
  };
}

/** CDN push of a web page recording: exactly one rtmp:// or rtmps:// output. */
export interface RtmpPublishService {
  serviceName: 'rtmp_publish_service';
  errorHandlePolicy?: string;
  serviceParam: { outputs: { rtmpUrl: string }[] };
}

/** extensionServiceConfig (web mode). */
export interface ExtensionServiceConfig {
  errorHandlePolicy?: string;
  apiVersion?: string;
  extensionServices: (WebRecorderService | RtmpPublishService)[];
}

/** update's streamSubscribe: the full desired subscription lists. */
export interface StreamSubscribe {
  audioUidList?: { subscribeAudioUids?: UidList; unSubscribeAudioUids?: UidList; unsubscribeAudioUids?: UidList };
  videoUidList?: { subscribeVideoUids?: UidList; unSubscribeVideoUids?: UidList; unsubscribeVideoUids?: UidList };
}

/** One recorded file of a json fileList; `fileName` or `filename` (the pages use both). sliceStartTime as sent. */
export interface FileListEntry {
  fileName?: string;
  filename?: string;
  trackType?: string;
  uid?: string;
  mixedAllUser?: boolean;
  isPlayable?: boolean;
  sliceStartTime?: number;
  [key: string]: unknown;
}

/** A fileList: one M3U8 name (fileListMode "string") or entries (fileListMode "json"). */
export type FileList = string | FileListEntry[];

/** stop's uploadingStatus; "unknow" is a legacy spelling. */
export type UploadingStatus = 'uploaded' | 'backuped' | 'unknown' | 'unknow';

/** The payload of a Cloud Recording NCS notification. `sequence` counts from 0 per session; `sendts` is Unix ms. */
export interface NcsPayload {
  cname: string;
  uid: string;
  sid: string;
  sequence?: number;
  sendts?: number;
  serviceType?: number;
  details?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An NCS notification as received. `noticeId` is the stable de-duplication key; `notifyMs` changes on a resend. */
export interface NcsNotification {
  noticeId: string;
  productId: number;
  eventType: number;
  notifyMs: number;
  payload: NcsPayload;
  [key: string]: unknown;
}
