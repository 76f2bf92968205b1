/**
 * NCS (Agora Notifications) for Cloud Recording: the envelope
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications) and the event types
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications). Shared by the emulator (which sends them),
 * the receiver (which parses them) and the workflow (which reads the plain objects). Parsing is tolerant: unknown event
 * types and extra detail keys are kept, never rejected
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications: "new keys may be added").
 */
import { z } from 'zod';
import { fileListEntrySchema, type Same } from './schemas';
import { CLOUD_RECORDING_PRODUCT_ID, LeaveCode, NcsEvent, type NcsEventType } from '../contract/ncs';
import { type NcsNotification } from '../contract/agora';

export { CLOUD_RECORDING_PRODUCT_ID, LeaveCode, NcsEvent, type NcsEventType };
export type { NcsNotification };

/**
 * Cloud-recording payload common keys (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 * sequence counts from 0 per session; sendts is Unix ms.
 */
export const ncsPayloadSchema = z.looseObject({
  cname: z.string(),
  uid: z.string(),
  sid: z.string(),
  sequence: z.coerce.number().int().nonnegative().optional(),
  sendts: z.number().optional(),
  serviceType: z.number().int().optional(),
  details: z.looseObject({}).optional(),
});

/**
 * The NCS envelope (https://docs.agora.io/en/cloud-recording/develop/receive-notifications). notifyMs changes on
 * resend; noticeId is the stable de-duplication key.
 */
export const ncsNotificationSchema = z.looseObject({
  noticeId: z.string().min(1),
  productId: z.number().int(),
  eventType: z.number().int(),
  notifyMs: z.number(),
  payload: ncsPayloadSchema,
});
export const ncsNotificationMatchesContract: Same<NcsNotification, z.infer<typeof ncsNotificationSchema>> = true;

/**
 * Details of the events the workflow acts on (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 * Others are passed through as plain objects.
 */
export const ncsDetailsSchemas = {
  [NcsEvent.cloud_recording_error]: z.looseObject({
    module: z.number().optional(),
    errorLevel: z.number().optional(),
    errorCode: z.number().optional(),
    stat: z.number().optional(),
    errorMsg: z.string().optional(),
  }),
  [NcsEvent.cloud_recording_status_update]: z.looseObject({
    status: z.number().optional(),
    fileList: z.string().optional(),
  }),
  [NcsEvent.session_exit]: z.looseObject({ exitStatus: z.number() }),
  [NcsEvent.session_failover]: z.looseObject({ newUid: z.union([z.number(), z.string()]) }),
  [NcsEvent.uploaded]: z.looseObject({
    status: z.number().optional(),
    fileList: z.array(fileListEntrySchema).optional(),
  }),
  [NcsEvent.backuped]: z.looseObject({
    status: z.number().optional(),
    fileList: z.array(fileListEntrySchema).optional(),
  }),
  [NcsEvent.uploading_progress]: z.looseObject({ progress: z.number().min(0).max(10_000) }),
  [NcsEvent.recorder_started]: z.looseObject({ status: z.number().optional() }),
  [NcsEvent.recorder_leave]: z.looseObject({ leaveCode: z.number() }),
  [NcsEvent.web_recorder_stopped]: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    fileList: z.array(fileListEntrySchema).optional(),
  }),
} as const;
