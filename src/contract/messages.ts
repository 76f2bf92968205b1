/**
 * The recording workflow's signals, updates and queries. Wire names are short camelCase; other SDKs send the same
 * names.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MixLayout, NcsNotification, StreamSubscribe } from './agora';
import type { RecordingStatus } from './recording';

/**
 * Replace the mix layout (full layout, newest wins; https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
 * Taken while acquiring, starting or recording (until a stop is requested) and applied once recording; an invalid
 * layout, or one sent to a recording that is not mix, is ignored (logged, never applied).
 */
export const updateLayoutSignal = defineSignal<[MixLayout]>('updateLayout');
/**
 * Replace the subscription lists (full lists, newest wins; https://docs.agora.io/en/cloud-recording/rest-api/update).
 * Invalid lists are ignored (logged).
 */
export const updateSubscriptionSignal = defineSignal<[StreamSubscribe]>('updateSubscription');
/** Stop the recording; the argument is a human reason. Stop also comes from cancellation and the max duration. */
export const stopSignal = defineSignal<[reason?: string]>('stop');
/**
 * An NCS notification for this recording, forwarded as received by the receiver (src/receiver). The workflow
 * de-duplicates by noticeId and ignores notifications of another cname or sid, so resends and strays are harmless.
 */
export const agoraNotificationSignal = defineSignal<[NcsNotification]>('agoraNotification');

/**
 * Replace the layout and wait until Agora applied it or a newer layout superseded it; returns the status then. Rejected
 * (ApplicationFailure type from RecordingFailureType (failures.ts)) when the mode is not mix, the workflow is not
 * recording, or the layout is invalid; fails with `LayoutNotApplied` when Agora refused it, `RecordingEnded` when the
 * recording ended first.
 */
export const updateLayoutUpdate = defineUpdate<RecordingStatus, [MixLayout]>('updateLayout');
/**
 * Stop and wait until the stop call returned (not the upload); returns the status then. Rejected with `NotRecording`
 * when the recording already ended. The reason is required in the type (the client's executeUpdate cannot take an
 * optional argument) but tolerated as absent on the wire, for other SDKs.
 */
export const stopUpdate = defineUpdate<RecordingStatus, [reason: string]>('stop');

/** Current state, ids, layout, upload progress, last error. */
export const statusQuery = defineQuery<RecordingStatus>('status');
