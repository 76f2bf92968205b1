/**
 * The activities as the workflow calls them: one proxy per activity with its options from src/contract/activities.ts.
 *
 * Regular or local: a LOCAL activity runs on this worker inside the current workflow task and costs one MarkerRecorded
 * event instead of three activity events plus a second workflow task. It is used for every call whose repetition is
 * harmless when a worker dies before the workflow task completes (the task then runs again from the last completed one,
 * calling again): query (a GET), acquire (an unused resourceId just expires), updateLayout and update (they send the
 * whole desired state,
 * https://docs.agora.io/en/cloud-recording/rest-api/update, https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
 * start and stop stay REGULAR activities: their scheduling is written to history before the call is made, so after a
 * crash the retry goes to the same resourceId (start: 201/code 7, not a second task) and the stop is visibly pending in
 * the UI while Agora uploads (a sync stop can take 20 s). A local start was tried (issue 7: +30 % start throughput, no
 * second workflow task) and dropped: a worker killed during it loses the acquire's resourceId with the unfinished
 * workflow task, recorder_started gives back the sid but never the resourceId, and only that resourceId can stop the
 * task (Agora 400/1003), so it would record until Agora's maxIdleTime ends it. Local calls skip the task queue, so
 * Agora's QPS limit is kept by the client's limiter in each worker process.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { type RecordingActivities, activityOptions } from '../contract';
import type { Memory } from './state';

/**
 * acquire, start, update, updateLayout, stop as regular activities, each with its own timeouts and retry policy.
 * Workflows call start and stop from here, and acquire/update/updateLayout through {@link agoraCall}.
 */
export const agora = {
  acquire: proxyActivities<RecordingActivities>(activityOptions.acquire).acquire,
  start: proxyActivities<RecordingActivities>(activityOptions.start).start,
  update: proxyActivities<RecordingActivities>(activityOptions.update).update,
  updateLayout: proxyActivities<RecordingActivities>(activityOptions.updateLayout).updateLayout,
  stop: proxyActivities<RecordingActivities>(activityOptions.stop).stop,
};

/** query as a local activity (see the file comment); same timeouts and retry policy as the regular one. */
export const healthQuery = proxyLocalActivities<RecordingActivities>(activityOptions.query).query;

const local = {
  acquire: proxyLocalActivities<RecordingActivities>(activityOptions.acquire).acquire,
  update: proxyLocalActivities<RecordingActivities>(activityOptions.update).update,
  updateLayout: proxyLocalActivities<RecordingActivities>(activityOptions.updateLayout).updateLayout,
};

/**
 * The proxy for acquire, update or updateLayout: local (see the file comment) unless this run's history was recorded
 * before ECONOMY_PATCH (patches.ts).
 */
export function agoraCall<K extends keyof typeof local>(mem: Memory, name: K): (typeof local)[K] {
  return mem.economy ? local[name] : agora[name];
}
