/**
 * One recording task (one sid): its life from a successful start to its exit, what it records from its channel, the NCS
 * events it emits (https://docs.agora.io/en/cloud-recording/develop/receive-notifications) and the answers query and
 * stop give about it (https://docs.agora.io/en/cloud-recording/rest-api/query,
 * https://docs.agora.io/en/cloud-recording/rest-api/stop, https://docs.agora.io/en/cloud-recording/rest-api/query).
 *
 * Life: `recording` (status 4, then 5 from the first slice) → `exited` (stop, idle timeout, maxRecordingHour), when
 * the recorder leaves (event 41 / web 71), the files upload (33, 31 or 32, or 1 on failure) and the session ends (11).
 * Timers run on the emulator clock.
 */
import { LeaveCode, NcsEvent } from '../agora/notifications';
import { type MixLayout, type RecordingMode, type StartClientRequest, type StreamSubscribe } from '../agora/schemas';
import { type ClockTimer, type EmulatorClock } from './clock';
import { type FaultBook } from './faults';
import {
  type AnswerFacts,
  queryServerResponse,
  stopServerResponse,
  uploadDetails,
  type UploadingStatus,
} from './answers';
import { type FileFacts, type FileListing, fileListing, mainPlaylist, trackTypeOf } from './files';
import { newFailoverUid } from './ids';
import { type NcsDispatcher } from './ncs';
import { type ResolvedOptions } from './options';
import { type Channels } from './channel';
import { applyStreamSubscribe, type Subscription, subscribedMedia, subscriptionFromConfig } from './subscription';

/** What a task needs from the emulator. */
export interface TaskEnv {
  clock: EmulatorClock;
  ncs: NcsDispatcher;
  channels: Channels;
  faults: FaultBook;
  options: ResolvedOptions;
}

/** Options of an HA failover ({@link RecordingTask.failover}). */
export interface FailoverOptions {
  /**
   * The old recorder sends a recorder_leave (event 41, leaveCode 16, the pre-failover uid) this many ms into the
   * window, before session_failover (at most the window's length). @default none sent
   */
  oldRecorderLeaveAfterMs?: number;
}

/** Why a recording ended. */
export type EndReason = 'stopped' | 'idle' | 'maxRecordingHour';
export type { UploadingStatus } from './answers';

/** A task as `tasks()` shows it. Times are emulated Unix ms. */
export interface TaskSnapshot {
  sid: string;
  resourceId: string;
  cname: string;
  uid: string;
  mode: RecordingMode;
  /** `recording` = the recorder is in the channel and billing; `exited` = it left. */
  phase: 'recording' | 'exited';
  /** https://docs.agora.io/en/cloud-recording/rest-api/query status. */
  status: number;
  startedAt: number;
  firstSliceAt?: number;
  exitedAt?: number;
  endReason?: EndReason;
  uploadingStatus?: UploadingStatus;
  /** uids recorded so far (individual/mix). */
  recordedUids: string[];
  /** Last layout set by start or updateLayout (mix). */
  layout?: MixLayout;
  /** Web mode: paused. */
  onhold?: boolean;
  /** NCS notifications emitted so far. */
  notifications: number;
}

const msgNames: Record<number, string> = Object.fromEntries(Object.entries(NcsEvent).map(([k, v]) => [v, k]));

export class RecordingTask {
  readonly startedAt: number;
  phase: 'recording' | 'exited' = 'recording';
  status = 2;
  exitedAt: number | undefined;
  endReason: EndReason | undefined;
  uploadingStatus: UploadingStatus | undefined;
  /**
   * Emulated Unix ms until which an HA failover makes the task answer 404
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
   */
  failoverUntil = 0;
  /** Resolves when the upload after exit is over (what a synchronous stop waits for). */
  readonly uploadDone: Promise<void>;
  private resolveUpload!: () => void;
  private ready = false;
  private firstSliceAt: number | undefined;
  private readonly recorded = new Map<string, number>();
  private subscription: Subscription;
  private layout: MixLayout | undefined;
  private onhold: boolean;
  private sequence = 0;
  private readonly timers = new Set<ClockTimer>();
  private idleTimer: ClockTimer | undefined;

  constructor(
    private readonly env: TaskEnv,
    readonly sid: string,
    readonly resourceId: string,
    readonly cname: string,
    readonly uid: string,
    readonly mode: RecordingMode,
    private readonly request: StartClientRequest,
  ) {
    this.startedAt = env.clock.now();
    this.uploadDone = new Promise((resolve) => (this.resolveUpload = resolve));
    this.subscription = subscriptionFromConfig(request.recordingConfig);
    const tc = request.recordingConfig?.transcodingConfig;
    if (tc) {
      const { width: _w, height: _h, fps: _f, bitrate: _b, ...layout } = tc;
      this.layout = layout;
    }
    this.onhold = this.webRecorder()?.serviceParam.onhold ?? false;
  }

  /** Called once after start answered 200: brings the recorder up after `startupMs`. */
  begin(): void {
    // Without a startup delay the recorder is ready before start answers, so no client can observe a race.
    if (this.env.options.startupMs <= 0) this.becomeReady();
    else
      this.timer(this.env.options.startupMs, () => {
        this.becomeReady();
      });
  }

  /** Re-evaluates what is recorded and whether the channel is idle; called on every channel change. */
  onChannelChange(): void {
    if (this.phase !== 'recording' || !this.ready) return;
    const now = this.env.clock.now();
    if (this.mode === 'web') {
      if (!this.onhold && this.firstSliceAt === undefined) this.firstSlice(now, '0');
      return;
    }
    const people = this.env.channels.participants(this.cname).filter((p) => p.uid !== this.uid);
    for (const p of people) {
      if (!p.publishing || this.recorded.has(p.uid)) continue;
      const media = subscribedMedia(this.subscription, p.uid);
      if (!media.audio && !media.video) continue;
      // Only the first 17 uids are recorded
      // (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
      if (this.recorded.size >= 17) continue;
      this.recorded.set(p.uid, now);
      this.firstSlice(now, this.mode === 'mix' ? '0' : p.uid);
    }
    // Idle = no users (communication) or no hosts (live broadcasting),
    // https://docs.agora.io/en/cloud-recording/rest-api/start maxIdleTime.
    const live = this.request.recordingConfig?.channelType === 1;
    const idle = live ? !people.some((p) => p.publishing) : people.length === 0;
    if (idle && !this.idleTimer) {
      const maxIdleMs = (this.request.recordingConfig?.maxIdleTime ?? 30) * 1000;
      this.idleTimer = this.timer(maxIdleMs, () => {
        this.end('idle');
      });
    } else if (!idle && this.idleTimer) {
      this.cancel(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  /** Applies an update (https://docs.agora.io/en/cloud-recording/rest-api/update). */
  update(req: { streamSubscribe?: StreamSubscribe | undefined; webRecordingConfig?: { onhold: boolean } | undefined }) {
    if (req.streamSubscribe) this.subscription = applyStreamSubscribe(this.subscription, req.streamSubscribe);
    if (req.webRecordingConfig) this.onhold = req.webRecordingConfig.onhold;
    this.onChannelChange();
  }

  /**
   * Replaces the whole layout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout: omitted fields revert
   * to defaults).
   */
  updateLayout(layout: MixLayout): void {
    this.layout = layout;
  }

  /**
   * Simulates an HA failover (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): 404
   * for `ms`, then event 12 with a new recorder uid.
   */
  failover(ms: number, opts: FailoverOptions = {}): void {
    this.failoverUntil = this.env.clock.now() + ms;
    const leaveAfter = opts.oldRecorderLeaveAfterMs;
    if (leaveAfter !== undefined) {
      // The old recorder may still report after Agora failed it over
      // (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): its recorder_leave, with
      // the pre-failover uid, can come before session_failover.
      this.timer(Math.min(leaveAfter, ms), () => {
        if (this.phase === 'recording') this.emit(NcsEvent.recorder_leave, 1, { leaveCode: LeaveCode.leaveChannel });
      });
    }
    this.timer(ms, () => {
      if (this.phase === 'recording') this.emit(NcsEvent.session_failover, 0, { newUid: newFailoverUid() });
    });
  }

  /** Whether anything was recorded (false → stop answers 206 code 435). */
  hasContent(): boolean {
    return this.firstSliceAt !== undefined;
  }

  /**
   * Ends the recording: the recorder leaves, then the upload runs for `syncStopMs` and the session exits.
   * Idempotent.
   */
  end(reason: EndReason): void {
    if (this.phase !== 'recording') return;
    const now = this.env.clock.now();
    this.phase = 'exited';
    this.exitedAt = now;
    this.endReason = reason;
    this.status = 6;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.idleTimer = undefined;

    if (this.mode === 'web') {
      const max = this.webRecorder()?.serviceParam.maxRecordingHour;
      const [code, message, details] =
        reason === 'maxRecordingHour' ? [1, 'max_recording_hour', `max recording hour is ${max}`] : [0, 'ok', ''];
      const listing = this.listing();
      this.emit(NcsEvent.web_recorder_stopped, 6, {
        code,
        message,
        details,
        fileList: 'web' in listing ? listing.web : [],
      });
    } else {
      this.emit(NcsEvent.recorder_leave, 1, { leaveCode: reason === 'idle' ? LeaveCode.noUsers : LeaveCode.sigint });
    }

    if (!this.hasContent()) {
      this.finish(0);
      return;
    }
    const fault = this.env.faults.takeUpload(now, this.cname);
    const outcome: UploadingStatus = fault?.outcome ?? 'uploaded';
    this.env.clock.after(this.env.options.syncStopMs, () => {
      this.status = 7;
      this.uploadingStatus = outcome;
      this.emit(NcsEvent.uploading_progress, 2, { progress: outcome === 'unknown' ? 9000 : 10_000 });
      if (outcome === 'unknown') {
        this.emit(NcsEvent.cloud_recording_error, 0, {
          module: 1,
          errorLevel: 4,
          errorCode: 47,
          stat: 1,
          errorMsg: 'upload failed',
        });
      } else {
        this.emit(outcome === 'uploaded' ? NcsEvent.uploaded : NcsEvent.backuped, 2, this.uploadDetails());
      }
      if (outcome === 'backuped') {
        // The backup cloud forwards the files to the customer's storage later
        // (https://docs.agora.io/en/cloud-recording/rest-api/stop "backuped").
        this.env.clock.after(fault?.forwardAfterMs ?? this.env.options.backupForwardMs, () => {
          this.uploadingStatus = 'uploaded';
          this.emit(NcsEvent.uploaded, 2, this.uploadDetails());
        });
      }
      this.finish(outcome === 'unknown' ? 1 : 0);
    });
  }

  /** query's `serverResponse` (https://docs.agora.io/en/cloud-recording/rest-api/query). */
  queryServerResponse(): Record<string, unknown> {
    return queryServerResponse(this.answerFacts());
  }

  /**
   * stop's `serverResponse` (https://docs.agora.io/en/cloud-recording/rest-api/stop). `uploadingStatus` is "unknown"
   * until the upload is over (async stop).
   */
  stopServerResponse(): Record<string, unknown> {
    return stopServerResponse(this.answerFacts());
  }

  /** For `tasks()`. */
  snapshot(): TaskSnapshot {
    return {
      sid: this.sid,
      resourceId: this.resourceId,
      cname: this.cname,
      uid: this.uid,
      mode: this.mode,
      phase: this.phase,
      status: this.status,
      startedAt: this.startedAt,
      ...(this.firstSliceAt === undefined ? {} : { firstSliceAt: this.firstSliceAt }),
      ...(this.exitedAt === undefined ? {} : { exitedAt: this.exitedAt }),
      ...(this.endReason === undefined ? {} : { endReason: this.endReason }),
      ...(this.uploadingStatus === undefined ? {} : { uploadingStatus: this.uploadingStatus }),
      recordedUids: [...this.recorded.keys()],
      ...(this.layout === undefined ? {} : { layout: this.layout }),
      ...(this.mode === 'web' ? { onhold: this.onhold } : {}),
      notifications: this.sequence,
    };
  }

  /**
   * Emits event 3 with the current status: Agora's answer to a call that does not fit the state
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
   */
  emitStatusUpdate(): void {
    this.emit(NcsEvent.cloud_recording_status_update, 0, {
      status: this.status,
      recordingMode: this.mode === 'mix' ? 1 : 0,
      fileList: this.hasContent() ? mainPlaylist(this.fileFacts()) : '',
    });
  }

  /** Cancels every timer (emulator shutdown). */
  dispose(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private becomeReady(): void {
    if (this.phase !== 'recording') return;
    this.ready = true;
    this.status = 4;
    if (this.mode === 'web') {
      this.emit(NcsEvent.uploader_started, 2, { status: 0 });
      this.emit(NcsEvent.web_recorder_started, 6, { recorderStartTime: this.env.clock.now() });
      const hours = this.webRecorder()?.serviceParam.maxRecordingHour ?? 720;
      this.timer(hours * 3_600_000, () => {
        this.end('maxRecordingHour');
      });
    } else {
      this.emit(NcsEvent.recorder_started, 1, { status: 0 });
      this.emit(NcsEvent.uploader_started, 2, { status: 0 });
    }
    this.scheduleProgress();
    this.onChannelChange();
  }

  /**
   * Event 33 every `progressIntervalMs` while recording
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
   */
  private scheduleProgress(): void {
    this.timer(this.env.options.progressIntervalMs, () => {
      if (this.phase !== 'recording') return;
      this.emit(NcsEvent.uploading_progress, 2, { progress: this.hasContent() ? 10_000 : 0 });
      this.scheduleProgress();
    });
  }

  /**
   * A stream's first slice: 42 for it; for the recording's first, status 5 with events 4 and 3
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
   */
  private firstSlice(now: number, streamUid: string): void {
    const first = this.firstSliceAt === undefined;
    if (first) this.firstSliceAt = now;
    // Individual mode slices each stream; mix has one mixed stream, started once (streamUid "0").
    if (this.mode === 'individual' || (this.mode === 'mix' && first)) {
      this.emit(NcsEvent.recorder_slice_start, 1, {
        startUtcMs: now,
        discontinueUtcMs: now,
        mixedAllUser: this.mode === 'mix',
        streamUid,
        trackType: trackTypeOf(this.subscription.streamTypes),
      });
    }
    if (!first) return;
    this.status = 5;
    this.emit(NcsEvent.cloud_recording_file_infos, 0, { fileList: mainPlaylist(this.fileFacts()) });
    this.emitStatusUpdate();
  }

  private finish(exitStatus: number): void {
    this.emit(NcsEvent.session_exit, 0, { exitStatus });
    this.status = 8;
    this.resolveUpload();
  }

  private uploadDetails(): Record<string, unknown> {
    return uploadDetails(this.answerFacts());
  }

  private answerFacts(): AnswerFacts {
    return {
      files: this.fileFacts(),
      status: this.status,
      exited: this.phase === 'exited',
      onhold: this.onhold,
      request: this.request,
      ...(this.uploadingStatus === undefined ? {} : { uploadingStatus: this.uploadingStatus }),
    };
  }

  private listing(): FileListing {
    return fileListing(this.fileFacts());
  }

  private fileFacts(): FileFacts {
    return {
      mode: this.mode,
      sid: this.sid,
      cname: this.cname,
      fileNamePrefix: this.request.storageConfig.fileNamePrefix,
      avFileType: this.request.recordingFileConfig?.avFileType ?? ['hls'],
      streamTypes: this.subscription.streamTypes,
      streamMode: this.request.recordingConfig?.streamMode,
      snapshot: this.request.snapshotConfig !== undefined,
      recordedUids: this.recorded,
      firstSliceAt: this.firstSliceAt,
    };
  }

  private webRecorder() {
    const s = this.request.extensionServiceConfig?.extensionServices.find(
      (x) => x.serviceName === 'web_recorder_service',
    );
    return s?.serviceName === 'web_recorder_service' ? s : undefined;
  }

  private emit(eventType: number, serviceType: number, details: Record<string, unknown>): void {
    this.env.ncs.emit(eventType, {
      cname: this.cname,
      uid: this.uid,
      sid: this.sid,
      sequence: this.sequence++,
      sendts: this.env.clock.now(),
      serviceType,
      details: { msgName: msgNames[eventType] ?? String(eventType), ...details },
    });
  }

  private timer(ms: number, fn: () => void): ClockTimer {
    const t = this.env.clock.after(ms, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
    return t;
  }

  private cancel(t: ClockTimer): void {
    t.cancel();
    this.timers.delete(t);
  }
}
