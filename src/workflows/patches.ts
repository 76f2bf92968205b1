/**
 * Every `patched()` id of the recording workflow, in one place: what it guards, where, and when it can go.
 *
 * A patch keeps the histories recorded before a change replaying (test/workflows/replay.test.ts replays the saved
 * ones in test/fixtures/histories). Retiring one takes two releases: first `deprecatePatch(id)` in place of
 * `patched(id)` with only the new branch kept, once no open workflow started before the patch's release remains (the
 * namespace's retention after the last such run closed); then the call and its id can be deleted, together with the
 * saved histories recorded before it. All of these landed on 2026-11-30, before version 0.1.0 was published.
 */

/**
 * The history economy of issue 7, decided once at the start of each run (recording.ts) and kept in `mem.economy`:
 * acquire, update and updateLayout as local activities (activities.ts), the start window as the start activity's
 * schedule-to-close timeout instead of a workflow timer (start.ts), the recording loop's timer neither re-armed for a
 * later wake-up nor cancelled on leaving (session.ts), search attributes upserted only when they change (state.ts),
 * and the health-check cadence decided without its own patch. Histories from before did none of these
 * (test/fixtures/histories/before-local-activities).
 */
export const ECONOMY_PATCH = 'local-calls-and-lazy-timers';

/**
 * The default healthCheckIntervalSeconds went from 1200 s to 1800 s (12 history events per idle hour). Asked only by
 * runs without {@link ECONOMY_PATCH} whose input sets no interval (recording.ts).
 */
export const HEALTH_CHECK_EVERY_30_MIN = 'health-check-every-30-min';

/** A stop answered with an invalid body is sent once more before the recording is called failed (finish.ts). */
export const RESEND_STOP_AFTER_INVALID_RESPONSE = 'resend-stop-after-invalid-response';

/** A recorder_started that arrives before this run sent any start is not ours, an earlier recording's (notifications.ts). */
export const IGNORE_RECORDER_STARTED_BEFORE_START = 'ignore-recorder-started-before-start';

/** A recorder_started whose event time is before this run's first start request is not ours either (notifications.ts). */
export const IGNORE_RECORDER_STARTED_BEFORE_START_TIME = 'ignore-recorder-started-before-start-time';

/**
 * A status update (event 3) whose status is missing or not a number forces the health query like an ending status
 * does. The receiver forwards every event 3 except those of a running task (status 4 or 5, also as numeric strings);
 * one the workflow cannot read may be an ending, and the query tells (notifications.ts).
 */
export const HEALTH_CHECK_ON_UNREADABLE_STATUS = 'health-check-on-unreadable-status-update';

/** A start answer that arrives in the same workflow task as the window timer is used, not re-acquired (start.ts). */
export const START_ANSWER_WITH_WINDOW_TIMER = 'start-answer-with-window-timer';

/** With several starts that may have created the recovered sid's task, query tells which resourceId (start.ts). */
export const VERIFY_RECOVERED_RESOURCE_ID = 'verify-recovered-resource-id';

/**
 * Issue 17, never orphaned: a recorder_leave or web_recorder_stopped is confirmed with query before it is believed
 * (session.ts); a 404 never proves a task gone without an exit Agora confirmed, so a stop answered 404 beyond the
 * failover window, or a stop that keeps failing, leads to the `reconciling` state (reconcile.ts) instead of a close;
 * a start conflict (code 53) after an earlier start of this workflow is taken as ours, and a sid that cannot be
 * recovered is waited for until the resourceId expires (start.ts).
 */
export const NO_ORPHAN_PATCH = 'no-orphan';

/**
 * Issue 17, files: a stop answered 404 is followed by the upload wait too, since the task may have recorded and its
 * files may still come (NCS 31/32) (finish.ts).
 */
export const UPLOAD_WAIT_AFTER_STOP_404 = 'upload-wait-after-stop-404';

/**
 * Issue 17, files: an upload wait that ends at session_exit with `backuped` keeps waiting, bounded by the upload
 * deadline, for the later `uploaded` (finish.ts).
 */
export const BACKUPED_WAITS_FOR_UPLOADED = 'backuped-waits-for-uploaded';

/**
 * Issue 17 (sim seeds 18, 82): a stop answered 400/49 ("already exiting") with no earlier attempt of ours and no exit
 * Agora confirmed is checked like a 404 (stop again through the failover window, then reconcile) instead of believed:
 * a task failing over is not exiting. A first stop answered 49 or 404 that the task never contradicted (no later 200)
 * is Agora's own exit (finish.ts).
 */
export const STOP_49_CONFIRMED = 'stop-49-confirmed';

/**
 * Issue 17 (review of seed 4690): while reconciling, a 400/49 that no stop of ours explains (no attempt of ours may
 * have taken) is checked by the next round's stop before it is believed, as the stop step checks one
 * (STOP_49_CONFIRMED): a 200 then shows a live task (stopped now), a 49 or a 404 confirms the exit (reconcile.ts).
 * Before, the first 49 ended reconciling, even for a task back from a failover and recording.
 */
export const RECONCILE_49_CHECKED = 'reconcile-49-checked';
