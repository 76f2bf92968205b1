/**
 * The typed client library other Node services use to start and steer recordings. The CLI over it is src/cli/main.ts
 * (`npm run client -- --help`).
 *
 * ```ts
 * const recordings = await RecordingClient.connect({ appId: 'your-app-id' });
 * const { workflowId, uid } = await recordings.start({ cname: 'room-1', mode: 'mix', storage: { profile: 'default' }, ... });
 * await recordings.updateLayout({ cname: 'room-1', uid }, { mixedVideoLayout: 1 });
 * await recordings.stop({ cname: 'room-1', uid });
 * const result = await recordings.result({ cname: 'room-1', uid }); // files, uploadingStatus, how it ended
 * ```
 *
 * A recording is addressed by its workflow ID, `recordingWorkflowId(appId, cname, uid)`, or by `{ cname, uid }`.
 * Everything sent is validated first (zod, src/input.ts): an invalid input throws {@link RecordingInputError} naming
 * the field and starts nothing.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { allocateRecorderUid, type UidRange } from './agora/uid';
import { ConfigError, loadStorageProfiles, loadTemporalConfig, type TemporalConfig } from './config';
import {
  parseMixLayout,
  parseStartInput,
  parseStreamSubscribe,
  RecordingInputError,
  type StartRecordingInput,
} from './input';
import {
  agoraChannelKey,
  agoraSidKey,
  recordingStatusKey,
  recordingWorkflowId,
  recordingWorkflowName,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
  type MixLayout,
  type RecordingInput,
  type RecordingResult,
  type RecordingStatus,
  type StreamSubscribe,
} from './contract';
import { connectClient, TemporalConnectionError } from './temporal/connection';

export { connectClient, RecordingInputError, TemporalConnectionError, type StartRecordingInput };

/** A recording: its workflow ID, or its channel and recorder uid (the App ID comes from the client). */
export type RecordingRef = string | { cname: string; uid: string };

/** What {@link RecordingClient.start} returns. */
export interface StartedRecording {
  workflowId: string;
  /** Run ID of the first run (continue-as-new creates more; addressing by workflowId follows the latest). */
  runId: string;
  cname: string;
  /** The recorder uid, allocated when the input had none. */
  uid: string;
}

/** One recording found by {@link RecordingClient.listByChannel}. Times are Unix ms. */
export interface RecordingListEntry {
  workflowId: string;
  runId: string;
  /** Temporal execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT. */
  executionStatus: string;
  /** The RecordingStatus search attribute (acquiring ... completed). */
  recordingStatus?: string;
  cname?: string;
  sid?: string;
  startTime: number;
  closeTime?: number;
}

/** Options of {@link RecordingClient}. */
export interface RecordingClientOptions {
  client: Client;
  /** Agora App ID: part of every workflow ID. */
  appId: string;
  /** Task queue of the worker. @default `agora-recording` (TEMPORAL_TASK_QUEUE) */
  taskQueue?: string;
  /** Range recorder uids are allocated from. @default the top 10 million uids (src/agora/uid.ts) */
  recorderUidRange?: UidRange;
  /**
   * Names of the storage profiles configured on the workers. When given, {@link RecordingClient.start} refuses any
   * other name with a RecordingInputError naming `storage.profile`, before anything is started or sent to Agora.
   * Without it the client cannot know the names: the workflow then fails at its start call (UnknownStorageProfile).
   */
  storageProfiles?: readonly string[];
}

/**
 * The storage profile names the environment configures (STORAGE_PROFILES, STORAGE_PROFILE_<NAME>_*), as the worker
 * reads them; undefined when the environment configures none or cannot be read.
 */
export function storageProfileNames(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const configured = !!env.STORAGE_PROFILES?.trim() || Object.keys(env).some((k) => k.startsWith('STORAGE_PROFILE_'));
  if (!configured) return undefined;
  try {
    return Object.keys(loadStorageProfiles(env));
  } catch {
    return undefined;
  }
}

/** Start options beyond the input. */
export interface StartOptions {
  /** One-line summary shown in the Temporal UI. @default `Recording <cname> (<mode>) as uid <uid>` */
  summary?: string;
}

/** Steering options. `wait: true` (default) uses an update and resolves with the status once applied. */
export interface SteerOptions {
  wait?: boolean;
}

/** A typed client for recording workflows. */
export class RecordingClient {
  readonly client: Client;
  readonly appId: string;
  readonly taskQueue: string;
  private readonly uidRange: UidRange | undefined;
  private readonly storageProfiles: readonly string[] | undefined;

  constructor(o: RecordingClientOptions) {
    this.client = o.client;
    this.appId = o.appId;
    this.taskQueue = o.taskQueue ?? loadTemporalConfig({}).taskQueue;
    this.uidRange = o.recorderUidRange;
    this.storageProfiles = o.storageProfiles;
  }

  /**
   * Connects using TEMPORAL_* variables (and AGORA_APP_ID when `appId` is not given). When the environment configures
   * storage profiles as the worker's does (STORAGE_PROFILES, STORAGE_PROFILE_<NAME>_*), start() checks the profile
   * name against them.
   * @throws ConfigError when no App ID is known or TEMPORAL_* is invalid; TemporalConnectionError when Temporal cannot
   *   be reached
   */
  static async connect(o: { appId?: string; temporal?: TemporalConfig } = {}): Promise<RecordingClient> {
    const appId = o.appId ?? process.env.AGORA_APP_ID;
    if (!appId) {
      throw new ConfigError(['AGORA_APP_ID: is required (the App ID is part of every recording workflow ID)']);
    }
    const temporal = o.temporal ?? loadTemporalConfig();
    const storageProfiles = storageProfileNames();
    return new RecordingClient({
      client: await connectClient(temporal),
      appId,
      taskQueue: temporal.taskQueue,
      ...(storageProfiles ? { storageProfiles } : {}),
    });
  }

  /** The workflow ID of a recording reference. */
  workflowId(ref: RecordingRef): string {
    return typeof ref === 'string' ? ref : recordingWorkflowId(this.appId, ref.cname, ref.uid);
  }

  /**
   * Validates the input, allocates a recorder uid when it has none, and starts the recording workflow with ID
   * `recordingWorkflowId(appId, cname, uid)`, the AgoraChannel and RecordingStatus search attributes and a summary.
   * @returns ids of the started recording
   * @throws RecordingInputError naming the invalid field (nothing is started);
   *   WorkflowExecutionAlreadyStartedError when this cname+uid is already being recorded
   */
  async start(input: StartRecordingInput, options: StartOptions = {}): Promise<StartedRecording> {
    const parsed = parseStartInput(input);
    if (this.storageProfiles && !this.storageProfiles.includes(parsed.storage.profile)) {
      const known = this.storageProfiles.length ? this.storageProfiles.join(', ') : 'none';
      throw new RecordingInputError([
        `storage.profile: no storage profile of that name is configured on the workers (configured: ${known})`,
      ]);
    }
    const uid = parsed.uid ?? allocateRecorderUid(this.uidRange);
    const full: RecordingInput = { ...parsed, uid };
    const workflowId = recordingWorkflowId(this.appId, full.cname, uid);
    const handle = await this.client.workflow.start(recordingWorkflowName, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [full],
      typedSearchAttributes: [
        { key: agoraChannelKey, value: full.cname },
        { key: recordingStatusKey, value: 'acquiring' },
      ],
      staticSummary: options.summary ?? `Recording ${full.cname} (${full.mode}) as uid ${uid}`,
      staticDetails: `storage profile \`${full.storage.profile}\`; App ID \`${this.appId}\``,
    });
    return { workflowId, runId: handle.firstExecutionRunId, cname: full.cname, uid };
  }

  /**
   * Replaces the mix layout (the FULL layout: Agora replaces it whole,
   * https://docs.agora.io/en/cloud-recording/rest-api/update-layout). Newest wins.
   * @returns with `wait` (default): the status after Agora applied it; otherwise undefined once signalled
   * @throws RecordingInputError naming the invalid field; WorkflowUpdateFailedError when the workflow rejects it
   */
  async updateLayout(ref: RecordingRef, layout: MixLayout, o: SteerOptions = {}): Promise<RecordingStatus | undefined> {
    const valid = parseMixLayout(layout);
    const handle = this.handle(ref);
    if (o.wait === false) {
      await handle.signal(updateLayoutSignal, valid);
      return undefined;
    }
    return handle.executeUpdate(updateLayoutUpdate, { args: [valid] });
  }

  /**
   * Replaces the subscription lists (https://docs.agora.io/en/cloud-recording/rest-api/update), by signal.
   * @throws RecordingInputError naming the invalid field
   */
  async updateSubscription(ref: RecordingRef, subscription: StreamSubscribe): Promise<void> {
    const valid = parseStreamSubscribe(subscription);
    await this.handle(ref).signal(updateSubscriptionSignal, valid);
  }

  /**
   * Stops the recording. With `wait` (default) resolves once Agora's stop call returned (not the upload: use
   * {@link result}); otherwise once signalled.
   * @throws WorkflowUpdateFailedError when the recording already ended (wait mode)
   */
  async stop(ref: RecordingRef, reason = 'stop requested', o: SteerOptions = {}): Promise<RecordingStatus | undefined> {
    const handle = this.handle(ref);
    if (o.wait === false) {
      await handle.signal(stopSignal, reason);
      return undefined;
    }
    // The definition's optional argument does not fit executeUpdate's overloads; the wire shape is the same.
    return handle.executeUpdate<RecordingStatus, [string]>(stopUpdate.name, { args: [reason] });
  }

  /** The current status (state, ids, layout, upload progress, last error). Works on closed workflows too. */
  async status(ref: RecordingRef): Promise<RecordingStatus> {
    return this.handle(ref).query(statusQuery);
  }

  /**
   * Waits for the recording to end.
   * @returns the typed result: file list, uploadingStatus, how it ended
   * @throws WorkflowFailedError when the workflow failed (its `cause` is the ApplicationFailure)
   */
  async result(ref: RecordingRef): Promise<RecordingResult> {
    return (await this.handle(ref).result()) as RecordingResult;
  }

  /**
   * Lists recordings of a channel, newest first, through Temporal visibility (`AgoraChannel = "<cname>"`).
   * @param cname channel name
   * @param o `running`: only running ones; `limit`: at most this many (default 100)
   */
  async listByChannel(cname: string, o: { running?: boolean; limit?: number } = {}): Promise<RecordingListEntry[]> {
    const query =
      `WorkflowType = "${recordingWorkflowName}" AND AgoraChannel = ${JSON.stringify(cname)}` +
      (o.running ? ' AND ExecutionStatus = "Running"' : '');
    const out: RecordingListEntry[] = [];
    const limit = o.limit ?? 100;
    for await (const wf of this.client.workflow.list({ query })) {
      const entry: RecordingListEntry = {
        workflowId: wf.workflowId,
        runId: wf.runId,
        executionStatus: wf.status.name,
        startTime: wf.startTime.getTime(),
      };
      const rs = wf.typedSearchAttributes.get(recordingStatusKey);
      const ch = wf.typedSearchAttributes.get(agoraChannelKey);
      const sid = wf.typedSearchAttributes.get(agoraSidKey);
      if (rs) entry.recordingStatus = rs;
      if (ch) entry.cname = ch;
      if (sid) entry.sid = sid;
      if (wf.closeTime) entry.closeTime = wf.closeTime.getTime();
      out.push(entry);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** A raw Temporal handle, for anything this class does not cover. */
  handle(ref: RecordingRef): WorkflowHandle {
    return this.client.workflow.getHandle(this.workflowId(ref));
  }

  /** Closes the underlying connection. */
  async close(): Promise<void> {
    await this.client.connection.close();
  }
}

export { WorkflowExecutionAlreadyStartedError };
