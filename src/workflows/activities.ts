/**
 * The activities as the workflow calls them: one proxy per activity with its options from src/activities/options.ts.
 * The health query is a LOCAL activity on purpose: it is a read-only, idempotent GET that runs every 20 minutes for
 * hours, and as a local activity it costs one MarkerRecorded event instead of three activity events plus a workflow
 * task, which is what keeps an idle recording hour inside its history budget (ARCHITECTURE.md, issue 5).
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RecordingActivities } from '../activities/types';
// options.ts is dependency-free plain data written for the workflow bundle (its header says so); the lint rule on
// ../activities/* guards against importing the Agora client, which this import does not do.
// eslint-disable-next-line no-restricted-imports
import { activityOptions } from '../activities/options';
// types.ts holds only types and this closed set of failure types (plain data), the same guard applies.
// eslint-disable-next-line no-restricted-imports
export { AgoraFailureType } from '../activities/types';

/** acquire, start, update, updateLayout, stop: regular activities, each with its own timeouts and retry policy. */
export const agora = {
  acquire: proxyActivities<RecordingActivities>(activityOptions.acquire).acquire,
  start: proxyActivities<RecordingActivities>(activityOptions.start).start,
  update: proxyActivities<RecordingActivities>(activityOptions.update).update,
  updateLayout: proxyActivities<RecordingActivities>(activityOptions.updateLayout).updateLayout,
  stop: proxyActivities<RecordingActivities>(activityOptions.stop).stop,
};

/** query as a local activity (see the file comment); same timeouts and retry policy as the regular one. */
export const healthQuery = proxyLocalActivities<RecordingActivities>(activityOptions.query).query;
