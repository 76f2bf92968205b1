/**
 * Agora's Cloud Recording notifications (NCS): the product id, the event types by msgName, the recorder_leave bits and
 * the query / event 3 statuses. One definition, plain data, for the receiver, the emulator and the workflow.
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications (event types and their details);
 * statuses: https://docs.agora.io/en/cloud-recording/rest-api/query.
 */

/** productId of Cloud Recording notifications. */
export const CLOUD_RECORDING_PRODUCT_ID = 3;

/** Cloud Recording event types, by msgName. */
export const NcsEvent = {
  cloud_recording_error: 1,
  cloud_recording_warning: 2,
  cloud_recording_status_update: 3,
  cloud_recording_file_infos: 4,
  session_exit: 11,
  session_failover: 12,
  uploader_started: 30,
  uploaded: 31,
  backuped: 32,
  uploading_progress: 33,
  recorder_started: 40,
  recorder_leave: 41,
  recorder_slice_start: 42,
  recorder_audio_stream_state_changed: 43,
  recorder_video_stream_state_changed: 44,
  recorder_snapshot_file: 45,
  web_recorder_started: 70,
  web_recorder_stopped: 71,
  web_recorder_capability_limit: 72,
  web_recorder_reload: 73,
  download_failed: 90,
  rtmp_publish_status: 100,
} as const;
export type NcsEventType = (typeof NcsEvent)[keyof typeof NcsEvent];

/**
 * The event types the recording workflow acts on; the receiver signals only these (and answers the others
 * `ignored: notNeeded`). Event 4 (the M3U8 name, once per recording) carries a file name that no other source may
 * deliver when NCS 31 is lost (https://docs.agora.io/en/cloud-recording/develop/receive-notifications); it costs one
 * signal (about 4 history events). Event 45 (one JPG per snapshot) is NOT signalled: at a capture every few seconds it
 * would cost thousands of history events an hour and grow the carried file list without bound; the workflow merges
 * it when it does arrive, and snapshot file lists are issue 18's to design.
 */
export const workflowNcsEventTypes: readonly NcsEventType[] = [
  NcsEvent.cloud_recording_error,
  NcsEvent.cloud_recording_status_update,
  NcsEvent.cloud_recording_file_infos,
  NcsEvent.session_exit,
  NcsEvent.session_failover,
  NcsEvent.uploaded,
  NcsEvent.backuped,
  NcsEvent.uploading_progress,
  NcsEvent.recorder_started,
  NcsEvent.recorder_leave,
  NcsEvent.web_recorder_stopped,
];

/** recorder_leave `details.leaveCode` bits. */
export const LeaveCode = { initFailed: 0, sigint: 2, noUsers: 4, timer: 8, leaveChannel: 16 } as const;

/** query / event 3 statuses meaning the task is ending or gone: 6 stop requested … 8 exited, 20 abnormal. */
export const isEndingStatus = (status: number | undefined): boolean => status !== undefined && status >= 6;

/** query / event 3 statuses of a task that started and runs: 4 all components ready, 5 in progress. */
export const isRunningStatus = (status: number | undefined): boolean => status === 4 || status === 5;

const leaveBits: [bit: number, meaning: string][] = [
  [LeaveCode.sigint, 'SIGINT'],
  [LeaveCode.noUsers, 'idle: no users in the channel'],
  [LeaveCode.timer, 'timer'],
  [LeaveCode.leaveChannel, 'recorder left the channel'],
];

/**
 * Describes a recorder_leave bit mask, e.g. 6 → "SIGINT, idle: no users in the channel"; 0 is "initialisation failed".
 * @param leaveCode the `details.leaveCode` of event 41.
 */
export function describeLeaveCode(leaveCode: number | undefined): string {
  if (leaveCode === undefined) return 'recorder left';
  if (leaveCode === LeaveCode.initFailed) return 'recorder initialisation failed';
  const parts = leaveBits.filter(([bit]) => (leaveCode & bit) !== 0).map(([, meaning]) => meaning);
  return parts.length > 0 ? parts.join(', ') : `leaveCode ${leaveCode}`;
}
