/**
 * The NCS event types (§6.4) the workflow acts on, as plain data for the workflow bundle. The single definition is
 * `NcsEvent` in src/agora/notifications.ts, which the bundle cannot load (it builds zod schemas); `satisfies` below
 * makes the compiler check every number here against it, so the two cannot drift.
 */
import type { NcsEvent as AgoraNcsEvent } from '../agora/notifications';

/** Cloud Recording event types used by the workflow, by msgName (§6.4). */
export const NcsEvent = {
  cloud_recording_error: 1,
  cloud_recording_status_update: 3,
  session_exit: 11,
  session_failover: 12,
  uploaded: 31,
  backuped: 32,
  uploading_progress: 33,
  recorder_started: 40,
  recorder_leave: 41,
  web_recorder_stopped: 71,
} as const satisfies Partial<typeof AgoraNcsEvent>;

/** query / event 3 statuses meaning the task is ending or gone (§4.1): 6 stop requested … 8 exited, 20 abnormal. */
export const isEndingStatus = (status: number | undefined): boolean => status !== undefined && status >= 6;

/** query / event 3 statuses of a task that started successfully and runs (§4.1: 4 all components ready, 5 in progress). */
export const isRunningStatus = (status: number | undefined): boolean => status === 4 || status === 5;

/** recorder_leave `leaveCode` bits (§6.4), for describing why a recorder left. */
const leaveBits: [bit: number, meaning: string][] = [
  [2, 'SIGINT'],
  [4, 'idle: no users in the channel'],
  [8, 'timer'],
  [16, 'recorder left the channel'],
];

/**
 * Describes a recorder_leave bit mask, e.g. 6 → "SIGINT, idle: no users in the channel"; 0 is "initialisation failed".
 * @param leaveCode the `details.leaveCode` of event 41.
 */
export function describeLeaveCode(leaveCode: number | undefined): string {
  if (leaveCode === undefined) return 'recorder left';
  if (leaveCode === 0) return 'recorder initialisation failed';
  const parts = leaveBits.filter(([bit]) => (leaveCode & bit) !== 0).map(([, meaning]) => meaning);
  return parts.length > 0 ? parts.join(', ') : `leaveCode ${leaveCode}`;
}
