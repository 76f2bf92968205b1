/**
 * zod schemas of every Agora Cloud Recording request and response body, one definition shared by the REST client, the
 * activities, the emulator and the client library's input validation. The shapes that cross the workflow's contract are
 * plain types in src/contract; each schema here is checked against its type at compile time (`Same`).
 * Agora's pages: https://docs.agora.io/en/cloud-recording/rest-api/acquire, .../start, .../query, .../update,
 * .../update-layout and .../stop under https://docs.agora.io/en/cloud-recording/rest-api/.
 *
 * Requests are strict (an unknown or misspelt key is Agora's code 2); responses are loose (Agora adds keys). Where
 * Agora's pages spell a key two ways, both spellings are accepted. Workflow code never imports this file (lint).
 */
import { z } from 'zod';
import {
  ALL_STREAMS,
  CNAME_CHARSET_TEXT,
  CNAME_MAX_BYTES_EXCLUSIVE,
  CNAME_PATTERN,
  COLOR_PATTERN,
  FILE_NAME_PREFIX_MAX_LENGTH,
  FILE_NAME_PREFIX_SEGMENT,
  MAX_LAYOUT_REGIONS,
  MAX_UID_LIST,
  RESOURCE_EXPIRED_HOUR,
  UID_MAX,
  UID_PATTERN,
  WEB_CNAME_MAX_BYTES,
} from '../contract/limits';
import {
  type ExtensionServiceConfig,
  type FileList,
  type FileListEntry,
  type LayoutRegion,
  type MixLayout,
  type RecordingConfig,
  type RecordingFileConfig,
  type RecordingMode,
  type SnapshotConfig,
  type StreamSubscribe,
  type UploadingStatus,
} from '../contract/agora';

export { UID_MAX };
export type {
  ExtensionServiceConfig,
  FileList,
  FileListEntry,
  LayoutRegion,
  MixLayout,
  RecordingConfig,
  RecordingFileConfig,
  RecordingMode,
  SnapshotConfig,
  StreamSubscribe,
  UploadingStatus,
};

/** `true` when A and B are mutually assignable; `false` otherwise (a compile error where `true` is assigned). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// ---------------------------------------------------------------------------------------------------------------
// Identity (https://docs.agora.io/en/cloud-recording/rest-api/overview)

/**
 * A uid: a decimal string of an integer in 1..2^32-1, never "0"
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview).
 */
export const uidSchema = z
  .string()
  .regex(UID_PATTERN, 'must be a decimal string of an integer in 1..4294967295, e.g. "527841"')
  .refine((s) => Number(s) <= UID_MAX, 'must be at most 4294967295');

/**
 * An RTC channel name: 1..63 bytes of the allowed charset (https://docs.agora.io/en/cloud-recording/rest-api/overview;
 * error 1013 / 401 otherwise).
 */
export const cnameSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine(
    (s) => Buffer.byteLength(s, 'utf8') < CNAME_MAX_BYTES_EXCLUSIVE,
    `must be shorter than ${CNAME_MAX_BYTES_EXCLUSIVE} bytes`,
  )
  .refine((s) => CNAME_PATTERN.test(s), `may only contain ${CNAME_CHARSET_TEXT}`);

/** Web-mode cname: only a label, at most 1024 bytes (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
export const webCnameSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= WEB_CNAME_MAX_BYTES, `must be at most ${WEB_CNAME_MAX_BYTES} bytes`);

/** Recording mode, the `{mode}` path segment (https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const modeSchema = z.enum(['individual', 'mix', 'web']);
export const recordingModeMatchesContract: Same<RecordingMode, z.infer<typeof modeSchema>> = true;

/**
 * A subscribe/unsubscribe list: uid strings or "#allstream#", at most 32 entries
 * (https://docs.agora.io/en/cloud-recording/rest-api/start). Numbers are code 2.
 */
const uidListSchema = z
  .array(
    z.union([uidSchema, z.literal(ALL_STREAMS)], {
      error: 'must be a uid string ("1".."4294967295") or "#allstream#", not a number',
    }),
  )
  .max(MAX_UID_LIST, `at most ${MAX_UID_LIST} entries`);

const unitInterval = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');
const colorSchema = z.string().regex(COLOR_PATTERN, 'must be #RRGGBB');

// ---------------------------------------------------------------------------------------------------------------
// Layout (https://docs.agora.io/en/cloud-recording/rest-api/start,
// https://docs.agora.io/en/cloud-recording/rest-api/update-layout)

/**
 * One region of a custom layout (mixedVideoLayout 3); coordinates relative to the canvas, 0..1
 * (https://docs.agora.io/en/cloud-recording/rest-api/start).
 */
export const layoutRegionSchema = z.strictObject({
  uid: uidSchema.optional(),
  x_axis: unitInterval,
  y_axis: unitInterval,
  width: unitInterval,
  height: unitInterval,
  alpha: unitInterval.optional(),
  render_mode: z.union([z.literal(0), z.literal(1)]).optional(),
});
export const layoutRegionMatchesContract: Same<LayoutRegion, z.infer<typeof layoutRegionSchema>> = true;

/** Per-uid background image (https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const backgroundConfigSchema = z.strictObject({
  uid: uidSchema,
  image_url: z.string().min(1),
  render_mode: z.union([z.literal(0), z.literal(1)]).optional(),
});

/**
 * The layout fields shared by transcodingConfig and updateLayout
 * (https://docs.agora.io/en/cloud-recording/rest-api/start,
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
 */
const layoutFields = {
  maxResolutionUid: uidSchema.optional(),
  mixedVideoLayout: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  backgroundColor: colorSchema.optional(),
  backgroundImage: z.string().optional(),
  defaultUserBackgroundImage: z.string().optional(),
  layoutConfig: z.array(layoutRegionSchema).max(MAX_LAYOUT_REGIONS, `at most ${MAX_LAYOUT_REGIONS} regions`).optional(),
  backgroundConfig: z.array(backgroundConfigSchema).optional(),
};

/**
 * Layout rules that span fields: layout 3 needs layoutConfig, layout 2 needs maxResolutionUid
 * (https://docs.agora.io/en/cloud-recording/rest-api/start).
 */
function checkLayout(
  v: { mixedVideoLayout?: number; layoutConfig?: unknown[]; maxResolutionUid?: string },
  ctx: z.RefinementCtx,
) {
  if (v.mixedVideoLayout === 3 && !v.layoutConfig?.length) {
    ctx.addIssue({ code: 'custom', path: ['layoutConfig'], message: 'is required when mixedVideoLayout is 3' });
  }
  if (v.mixedVideoLayout === 2 && !v.maxResolutionUid) {
    ctx.addIssue({ code: 'custom', path: ['maxResolutionUid'], message: 'is required when mixedVideoLayout is 2' });
  }
}

/**
 * The full desired mix layout: exactly the clientRequest of updateLayout
 * (https://docs.agora.io/en/cloud-recording/rest-api/update-layout). Agora replaces the whole layout.
 */
export const mixLayoutSchema = z.strictObject(layoutFields).superRefine(checkLayout);
export const mixLayoutMatchesContract: Same<MixLayout, z.infer<typeof mixLayoutSchema>> = true;

/** transcodingConfig (mix only, https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const transcodingConfigSchema = z
  .strictObject({
    width: z.number().int().positive().max(1920).optional(),
    height: z.number().int().positive().max(1920).optional(),
    fps: z.number().int().positive().optional(),
    bitrate: z.number().int().positive().max(6500, 'must be at most 6500 Kbps').optional(),
    ...layoutFields,
  })
  .superRefine((v, ctx) => {
    checkLayout(v, ctx);
    if ((v.width ?? 360) * (v.height ?? 640) > 1920 * 1080) {
      ctx.addIssue({ code: 'custom', path: ['width'], message: 'width x height must be at most 1920 x 1080' });
    }
  });

// ---------------------------------------------------------------------------------------------------------------
// start clientRequest parts (https://docs.agora.io/en/cloud-recording/rest-api/start)

/**
 * recordingConfig (https://docs.agora.io/en/cloud-recording/rest-api/start). Both spellings of the blacklist keys are
 * accepted (Agora's pages use both).
 */
export const recordingConfigSchema = z
  .strictObject({
    channelType: z.union([z.literal(0), z.literal(1)]),
    streamTypes: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    decryptionMode: z.number().int().min(0).max(8).optional(),
    secret: z.string().optional(),
    salt: z.string().optional(),
    maxIdleTime: z.number().int().min(5).max(2_592_000).optional(),
    videoStreamType: z.union([z.literal(0), z.literal(1)]).optional(),
    subscribeAudioUids: uidListSchema.optional(),
    unSubscribeAudioUids: uidListSchema.optional(),
    unsubscribeAudioUids: uidListSchema.optional(),
    subscribeVideoUids: uidListSchema.optional(),
    unSubscribeVideoUids: uidListSchema.optional(),
    unsubscribeVideoUids: uidListSchema.optional(),
    subscribeUidGroup: z.number().int().min(0).max(5).optional(),
    streamMode: z.enum(['default', 'standard', 'original']).optional(),
    audioProfile: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    transcodingConfig: transcodingConfigSchema.optional(),
    privateParams: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decryptionMode && !v.secret) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'is required when decryptionMode is not 0' });
    }
    const audioBoth = v.subscribeAudioUids && (v.unSubscribeAudioUids ?? v.unsubscribeAudioUids);
    const videoBoth = v.subscribeVideoUids && (v.unSubscribeVideoUids ?? v.unsubscribeVideoUids);
    if (audioBoth)
      ctx.addIssue({ code: 'custom', path: ['subscribeAudioUids'], message: 'excludes unSubscribeAudioUids' });
    if (videoBoth)
      ctx.addIssue({ code: 'custom', path: ['subscribeVideoUids'], message: 'excludes unSubscribeVideoUids' });
    // https://docs.agora.io/en/cloud-recording/rest-api/start: lists only for the media recorded (streamTypes 0 = audio
    // only, 1 = video only).
    const audioList = (['subscribeAudioUids', 'unSubscribeAudioUids', 'unsubscribeAudioUids'] as const).find(
      (k) => v[k],
    );
    const videoList = (['subscribeVideoUids', 'unSubscribeVideoUids', 'unsubscribeVideoUids'] as const).find(
      (k) => v[k],
    );
    if (v.streamTypes === 1 && audioList)
      ctx.addIssue({ code: 'custom', path: [audioList], message: 'is not allowed with streamTypes 1 (video only)' });
    if (v.streamTypes === 0 && videoList)
      ctx.addIssue({ code: 'custom', path: [videoList], message: 'is not allowed with streamTypes 0 (audio only)' });
  });
export const recordingConfigMatchesContract: Same<RecordingConfig, z.infer<typeof recordingConfigSchema>> = true;

/** recordingFileConfig (https://docs.agora.io/en/cloud-recording/rest-api/start). `["mp4"]` alone is code 2. */
export const recordingFileConfigSchema = z
  .strictObject({
    avFileType: z
      .array(z.enum(['hls', 'mp4']))
      .min(1)
      .optional(),
  })
  .refine((v) => !v.avFileType || v.avFileType.includes('hls'), {
    path: ['avFileType'],
    error: 'must include "hls" (["mp4"] alone is invalid)',
  });
export const recordingFileConfigMatchesContract: Same<
  RecordingFileConfig,
  z.infer<typeof recordingFileConfigSchema>
> = true;

/** snapshotConfig (individual only, https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const snapshotConfigSchema = z.strictObject({
  captureInterval: z.number().int().min(1).max(3600).optional(),
  fileType: z.tuple([z.literal('jpg')]),
});
export const snapshotConfigMatchesContract: Same<SnapshotConfig, z.infer<typeof snapshotConfigSchema>> = true;

/**
 * fileNamePrefix: directory segments of a-z A-Z 0-9, at most 128 characters joined with "/"
 * (https://docs.agora.io/en/cloud-recording/rest-api/start).
 */
export const fileNamePrefixSchema = z
  .array(z.string().regex(FILE_NAME_PREFIX_SEGMENT, 'segments may only contain a-z A-Z 0-9'))
  .refine(
    (a) => a.join('/').length <= FILE_NAME_PREFIX_MAX_LENGTH,
    `must be at most ${FILE_NAME_PREFIX_MAX_LENGTH} characters joined with "/"`,
  );

/**
 * storageConfig (https://docs.agora.io/en/cloud-recording/rest-api/start). Carries secrets: never logged, never in
 * workflow history.
 */
export const storageConfigSchema = z.strictObject({
  vendor: z.number().int().min(0).max(11),
  region: z.number().int().min(0),
  bucket: z.string().min(1),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  stsToken: z.string().optional(),
  stsExpiration: z.number().int().optional(),
  fileNamePrefix: fileNamePrefixSchema.optional(),
  extensionParams: z
    .strictObject({
      sse: z.enum(['kms', 'aes256']).optional(),
      tag: z.string().optional(),
      endpoint: z.string().optional(),
    })
    .optional(),
});
export type StorageConfig = z.infer<typeof storageConfigSchema>;

/**
 * One named storage configuration of the worker: a storageConfig without the per-recording fileNamePrefix
 * (https://docs.agora.io/en/cloud-recording/rest-api/start). The workflow names the profile; the keys are resolved in
 * the activity, never in workflow input or history.
 */
export type StorageProfile = Omit<StorageConfig, 'fileNamePrefix'>;

/**
 * One named encryption profile of the worker: recordingConfig's channel decryption settings
 * (https://docs.agora.io/en/cloud-recording/rest-api/start): mode 1..8, the key, and the salt for modes 7 and 8. The
 * workflow names the profile; the key never enters its input or history.
 */
export interface EncryptionProfile {
  decryptionMode: number;
  secret: string;
  salt?: string;
}

const webRecorderServiceSchema = z.strictObject({
  serviceName: z.literal('web_recorder_service'),
  errorHandlePolicy: z.string().optional(),
  serviceParam: z.strictObject({
    url: z.string().min(1),
    audioProfile: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    videoWidth: z.number().int().min(240).max(1920),
    videoHeight: z.number().int().min(240).max(1920),
    maxRecordingHour: z.number().int().min(1).max(720),
    videoBitrate: z.number().int().min(50).max(8000).optional(),
    videoFps: z.number().int().min(5).max(60).optional(),
    mobile: z.boolean().optional(),
    maxVideoDuration: z.number().int().min(30).max(240).optional(),
    onhold: z.boolean().optional(),
    readyTimeout: z.number().int().min(0).max(60).optional(),
  }),
});
const rtmpPublishServiceSchema = z.strictObject({
  serviceName: z.literal('rtmp_publish_service'),
  errorHandlePolicy: z.string().optional(),
  serviceParam: z.strictObject({
    outputs: z
      .array(z.strictObject({ rtmpUrl: z.string().regex(/^rtmps?:\/\//, 'must start with rtmp:// or rtmps://') }))
      .length(1, 'exactly 1 output'),
  }),
});

/** extensionServiceConfig (web mode, https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const extensionServiceConfigSchema = z.strictObject({
  errorHandlePolicy: z.string().optional(),
  apiVersion: z.string().optional(),
  extensionServices: z
    .array(z.discriminatedUnion('serviceName', [webRecorderServiceSchema, rtmpPublishServiceSchema]))
    .min(1),
});
export const extensionServiceConfigMatchesContract: Same<
  ExtensionServiceConfig,
  z.infer<typeof extensionServiceConfigSchema>
> = true;

/**
 * appsCollection and transcodeOptions (scene 2, individual; https://docs.agora.io/en/cloud-recording/rest-api/start).
 */
export const appsCollectionSchema = z.strictObject({
  combinationPolicy: z.enum(['default', 'postpone_transcoding']).optional(),
});
export const transcodeOptionsSchema = z.strictObject({
  transConfig: z.strictObject({ transMode: z.enum(['postponeTranscoding', 'audioMix']) }),
  container: z.strictObject({ format: z.enum(['mp4', 'mp3', 'm4a', 'aac']).optional() }).optional(),
  audio: z
    .strictObject({
      sampleRate: z.enum(['48000', '32000', '16000']).optional(),
      bitrate: z.string().optional(),
      channels: z.enum(['1', '2']).optional(),
    })
    .optional(),
});

/**
 * start's clientRequest (https://docs.agora.io/en/cloud-recording/rest-api/start). Mode rules are checked by {@link
 * checkStartForMode}.
 */
export const startClientRequestSchema = z.strictObject({
  token: z.string().optional(),
  storageConfig: storageConfigSchema,
  recordingConfig: recordingConfigSchema.optional(),
  recordingFileConfig: recordingFileConfigSchema.optional(),
  snapshotConfig: snapshotConfigSchema.optional(),
  extensionServiceConfig: extensionServiceConfigSchema.optional(),
  appsCollection: appsCollectionSchema.optional(),
  transcodeOptions: transcodeOptionsSchema.optional(),
});
export type StartClientRequest = z.infer<typeof startClientRequestSchema>;

/** A mode-level problem in a start request: the path of the field and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The rules of https://docs.agora.io/en/cloud-recording/rest-api/start that depend on the mode: individual/mix need
 * recordingConfig; web needs extensionServiceConfig with a web_recorder_service; snapshots are individual-only;
 * transcodingConfig is mix-only; individual needs subscribeUidGroup; recordingFileConfig must be absent for
 * snapshot-only and present otherwise.
 * @returns the problems found, empty when the request fits the mode.
 */
export function checkStartForMode(mode: RecordingMode, req: StartClientRequest): FieldProblem[] {
  const p: FieldProblem[] = [];
  const rc = req.recordingConfig;
  if (mode === 'web') {
    const hasRecorder = req.extensionServiceConfig?.extensionServices.some(
      (s) => s.serviceName === 'web_recorder_service',
    );
    if (!hasRecorder)
      p.push({ path: 'clientRequest.extensionServiceConfig', message: 'needs a web_recorder_service in web mode' });
    if (req.snapshotConfig)
      p.push({ path: 'clientRequest.snapshotConfig', message: 'is only allowed in individual mode' });
    req.extensionServiceConfig?.extensionServices.forEach((s, i) => {
      if (
        s.serviceName === 'web_recorder_service' &&
        s.serviceParam.videoWidth * s.serviceParam.videoHeight > 1920 * 1080
      )
        p.push({
          path: `clientRequest.extensionServiceConfig.extensionServices[${i}].serviceParam.videoWidth`,
          message: 'videoWidth x videoHeight must be at most 1920 x 1080',
        });
    });
    return p;
  }
  if (!rc) p.push({ path: 'clientRequest.recordingConfig', message: `is required in ${mode} mode` });
  if (mode === 'mix' && req.snapshotConfig) {
    p.push({ path: 'clientRequest.snapshotConfig', message: 'is only allowed in individual mode' });
  }
  if (mode === 'individual') {
    if (rc?.transcodingConfig)
      p.push({ path: 'clientRequest.recordingConfig.transcodingConfig', message: 'is mix-only' });
    if (rc && rc.subscribeUidGroup === undefined) {
      p.push({ path: 'clientRequest.recordingConfig.subscribeUidGroup', message: 'is required in individual mode' });
    }
  }
  if (req.snapshotConfig && rc?.streamTypes === 0) {
    p.push({ path: 'clientRequest.recordingConfig.streamTypes', message: 'must be 1 or 2 when taking snapshots' });
  }
  if (req.snapshotConfig && rc?.subscribeAudioUids && !rc.subscribeVideoUids) {
    // https://docs.agora.io/en/cloud-recording/rest-api/start: with snapshots, an audio subscribe list needs a video
    // subscribe list too.
    p.push({
      path: 'clientRequest.recordingConfig.subscribeVideoUids',
      message: 'is required with subscribeAudioUids when taking snapshots',
    });
  }
  if (!req.snapshotConfig && !req.recordingFileConfig && mode !== 'individual') {
    // Individual mode defaults to hls; mix needs it to know the file types. Agora documents it as required.
    p.push({ path: 'clientRequest.recordingFileConfig', message: `is required in ${mode} mode` });
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Request bodies
// (https://docs.agora.io/en/cloud-recording/rest-api/acquire, https://docs.agora.io/en/cloud-recording/rest-api/stop)

/** acquire body (https://docs.agora.io/en/cloud-recording/rest-api/acquire). */
export const acquireRequestSchema = z.strictObject({
  cname: z.string().min(1),
  uid: uidSchema,
  clientRequest: z.strictObject({
    scene: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    resourceExpiredHour: z.number().int().min(RESOURCE_EXPIRED_HOUR.min).max(RESOURCE_EXPIRED_HOUR.max).optional(),
    startParameter: startClientRequestSchema.optional(),
    excludeResourceIds: z.array(z.string()).optional(),
    region: z.enum(['CN', 'AP', 'EU', 'NA']).optional(),
    regionAffinity: z.number().optional(),
  }),
});
export type AcquireRequest = z.infer<typeof acquireRequestSchema>;

/** start body (https://docs.agora.io/en/cloud-recording/rest-api/start). */
export const startRequestSchema = z.strictObject({
  cname: z.string().min(1),
  uid: uidSchema,
  clientRequest: startClientRequestSchema,
});
export type StartRequest = z.infer<typeof startRequestSchema>;

/**
 * update's streamSubscribe (https://docs.agora.io/en/cloud-recording/rest-api/update): the full desired subscription.
 */
export const streamSubscribeSchema = z.strictObject({
  audioUidList: z
    .strictObject({
      subscribeAudioUids: uidListSchema.optional(),
      unSubscribeAudioUids: uidListSchema.optional(),
      unsubscribeAudioUids: uidListSchema.optional(),
    })
    .optional(),
  videoUidList: z
    .strictObject({
      subscribeVideoUids: uidListSchema.optional(),
      unSubscribeVideoUids: uidListSchema.optional(),
      unsubscribeVideoUids: uidListSchema.optional(),
    })
    .optional(),
});
export const streamSubscribeMatchesContract: Same<StreamSubscribe, z.infer<typeof streamSubscribeSchema>> = true;

/** update body (https://docs.agora.io/en/cloud-recording/rest-api/update). */
export const updateRequestSchema = z.strictObject({
  cname: z.string().min(1),
  uid: uidSchema,
  clientRequest: z.strictObject({
    streamSubscribe: streamSubscribeSchema.optional(),
    webRecordingConfig: z.strictObject({ onhold: z.boolean() }).optional(),
    rtmpPublishConfig: z
      .strictObject({ outputs: z.array(z.strictObject({ rtmpUrl: z.string().regex(/^rtmps?:\/\//) })).max(1) })
      .optional(),
    storageConfig: storageConfigSchema.optional(),
  }),
});
export type UpdateRequest = z.infer<typeof updateRequestSchema>;

/** updateLayout body (https://docs.agora.io/en/cloud-recording/rest-api/update-layout; mode must be mix). */
export const updateLayoutRequestSchema = z.strictObject({
  cname: z.string().min(1),
  uid: uidSchema,
  clientRequest: mixLayoutSchema,
});
export type UpdateLayoutRequest = z.infer<typeof updateLayoutRequestSchema>;

/** stop body (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
export const stopRequestSchema = z.strictObject({
  cname: z.string().min(1),
  uid: uidSchema,
  clientRequest: z.strictObject({ async_stop: z.boolean().optional() }),
});
export type StopRequest = z.infer<typeof stopRequestSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Responses (https://docs.agora.io/en/cloud-recording/rest-api/overview,
// https://docs.agora.io/en/cloud-recording/rest-api/query, https://docs.agora.io/en/cloud-recording/rest-api/stop):
// loose, tolerant of extra keys and of both spellings where disputed.

/**
 * One recorded file in a json fileList; `fileName` or `filename`
 * (https://docs.agora.io/en/cloud-recording/rest-api/query; the pages disagree). sliceStartTime in Unix ms.
 */
export const fileListEntrySchema = z.looseObject({
  fileName: z.string().optional(),
  filename: z.string().optional(),
  trackType: z.string().optional(),
  uid: z.string().optional(),
  mixedAllUser: z.boolean().optional(),
  isPlayable: z.boolean().optional(),
  sliceStartTime: z.number().optional(),
});
export const fileListEntryMatchesContract: Same<FileListEntry, z.infer<typeof fileListEntrySchema>> = true;

/** A fileList: a single M3U8 name (fileListMode "string") or an array of entries ("json"). */
export const fileListSchema = z.union([z.string(), z.array(fileListEntrySchema)]);
export const fileListMatchesContract: Same<FileList, z.infer<typeof fileListSchema>> = true;

/** uploadingStatus (https://docs.agora.io/en/cloud-recording/rest-api/stop); "unknow" is a legacy spelling. */
export const uploadingStatusSchema = z.enum(['uploaded', 'backuped', 'unknown', 'unknow']);
export const uploadingStatusMatchesContract: Same<UploadingStatus, z.infer<typeof uploadingStatusSchema>> = true;

/**
 * One entry of web mode's extensionServiceState; `payload` or the legacy misspelling `playload`
 * (https://docs.agora.io/en/cloud-recording/rest-api/stop).
 */
export const extensionServiceStateSchema = z.looseObject({
  serviceName: z.string(),
  payload: z.looseObject({}).optional(),
  playload: z.looseObject({}).optional(),
});

const identity = { cname: z.string(), uid: z.string(), resourceId: z.string() };

/** acquire 200 (https://docs.agora.io/en/cloud-recording/rest-api/acquire). */
export const acquireResponseSchema = z.looseObject({
  ...identity,
  cname: z.string().optional(),
  uid: z.string().optional(),
});
export type AcquireResponse = z.infer<typeof acquireResponseSchema>;

/** start 200; also update and updateLayout 200 (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
export const startResponseSchema = z.looseObject({
  cname: z.string().optional(),
  uid: z.string().optional(),
  resourceId: z.string(),
  sid: z.string().min(1),
});
export type StartResponse = z.infer<typeof startResponseSchema>;
export const updateResponseSchema = startResponseSchema.partial({ sid: true });

/**
 * query's serverResponse, all modes (https://docs.agora.io/en/cloud-recording/rest-api/query). `status` per
 * https://docs.agora.io/en/cloud-recording/rest-api/query.
 */
export const queryServerResponseSchema = z.looseObject({
  status: z.number().int().optional(),
  fileListMode: z.enum(['string', 'json']).optional(),
  fileList: fileListSchema.optional(),
  sliceStartTime: z.number().optional(),
  extensionServiceState: z.array(extensionServiceStateSchema).optional(),
  subServiceStatus: z.looseObject({}).optional(),
});
export type QueryServerResponse = z.infer<typeof queryServerResponseSchema>;

/** query 200 (https://docs.agora.io/en/cloud-recording/rest-api/query). */
export const queryResponseSchema = z.looseObject({
  cname: z.string().optional(),
  uid: z.string().optional(),
  resourceId: z.string(),
  sid: z.string(),
  serverResponse: queryServerResponseSchema,
});
export type QueryResponse = z.infer<typeof queryResponseSchema>;

/** stop's serverResponse, all modes (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
export const stopServerResponseSchema = z.looseObject({
  fileListMode: z.enum(['string', 'json']).optional(),
  fileList: fileListSchema.optional(),
  uploadingStatus: uploadingStatusSchema.optional(),
  extensionServiceState: z.array(extensionServiceStateSchema).optional(),
});
export type StopServerResponse = z.infer<typeof stopServerResponseSchema>;

/** stop 200 (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
export const stopResponseSchema = z.looseObject({
  cname: z.string().optional(),
  uid: z.string().optional(),
  resourceId: z.string(),
  sid: z.string(),
  serverResponse: stopServerResponseSchema.optional(),
});
export type StopResponse = z.infer<typeof stopResponseSchema>;

/**
 * Any error body (https://docs.agora.io/en/cloud-recording/rest-api/overview): gateway `{message}`, or service `{code,
 * reason}` possibly echoing the task.
 */
export const errorBodySchema = z.looseObject({
  code: z.number().int().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * Formats a zod error as Agora-style text naming the first offending field, e.g.
 * `clientRequest.recordingConfig.transcodingConfig.layoutConfig[0].x_axis: must be in [0, 1]`.
 * Never includes the offending value (it may be a secret).
 */
export function describeZodError(err: z.ZodError, prefix = ''): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${joinPath(prefix, i.path)}: ${i.message}`)
    .join('; ');
}

/** Joins a zod issue path as `a.b[0].c`, after an optional prefix. */
export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(body)';
}
