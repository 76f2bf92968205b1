/**
 * The recording activities: acquire, start, query, update, updateLayout, stop
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview), implementing the contract's
 * {@link RecordingActivities}. Each builds its Agora request from the workflow's input and calls the REST client; the
 * answer becomes a result the workflow branches on (./results.ts) or an ApplicationFailure with a stable `type`
 * (./failures.ts). Storage credentials and the RTC token are resolved here from worker configuration; the workflow
 * passes only a storage profile name and a fileNamePrefix.
 *
 * Usage (worker): `activities: createActivities({ client, storageProfiles, appCertificate })`; the workflow proxies them
 * with `proxyActivities<RecordingActivities>(activityOptions.start)` and `import type`.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AgoraAnswer, CallOptions, CloudRecordingClient } from '../agora/client';
import type { Endpoint } from '../agora/outcomes';
import { AgoraConfigError } from '../agora/errors';
import { parseRecorderUid, parseUid, type UidRange } from '../agora/uid';
import { MAX_TOKEN_LIFETIME_SECONDS, mintRecorderToken } from '../agora/token';
import { failureForError } from './failures';
import { acquireResult, queryResult, startResult, stopResult, updateResult } from './results';
import { resolveEncryption, resolveStorage, type EncryptionProfile, type StorageProfiles } from './storage';
import {
  isEndingStatus,
  isRunningStatus,
  type AcquireInput,
  type AcquireResult,
  type QueryResult,
  type RecordingActivities,
  type SessionRef,
  type StartConfirmation,
  type StartInput,
  type StartResult,
  type StopInput,
  type StopResult,
  type UpdateInput,
  type UpdateLayoutInput,
  type UpdateResult,
} from '../contract';

export { AgoraFailureType } from '../contract';
export type * from '../contract';
export type { EncryptionProfile, StorageProfile, StorageProfiles } from './storage';

/** What the activities need from the worker. */
export interface ActivityDeps {
  /** The Agora REST client (one per worker). */
  client: CloudRecordingClient;
  /** Named storage configurations; the workflow names one per recording. */
  storageProfiles: StorageProfiles;
  /** Named channel-decryption settings, referenced by `StartInput.encryptionProfile`. */
  encryptionProfiles?: Readonly<Record<string, EncryptionProfile>> | undefined;
  /** The project's App Certificate: when set, start mints the recorder's RTC token unless the input carries one. */
  appCertificate?: string | undefined;
  /** The App ID, needed to mint tokens. */
  appId?: string | undefined;
  /**
   * Reserved recorder uid range; when set, acquire refuses uids outside it (non-retryable AgoraInvalidRequest).
   * Without it, any valid uid (1..2^32-1, never "0") is accepted.
   */
  recorderUidRange?: UidRange | undefined;
  /** Token lifetime when the start input gives none, seconds. @default 24 h (Agora's maximum) */
  defaultTokenLifetimeSeconds?: number | undefined;
  /** Margin kept between the HTTP budget and the activity's start-to-close timeout, ms. @default 2_000 */
  timeoutMarginMs?: number | undefined;
  /**
   * Start confirmation: wait this long after the sid before querying, and between queries while the status is below
   * 4, ms (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: about 5 s). 0 queries
   * at once. @default 5_000
   */
  startConfirmDelayMs?: number | undefined;
  /** Whether Agora's NCS reaches this deployment (NCS_CONFIGURED); told to the workflow with each start. @default true */
  ncsConfigured?: boolean | undefined;
}

/** Start confirmation queries at most (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). */
export const START_CONFIRM_QUERIES = 3;
/** Time a confirmation query may take, ms; without that much left in start-to-close, the start returns unconfirmed. */
const CONFIRM_QUERY_BUDGET_MS = 4_000;

/**
 * A start that fails on a retry says so: its ApplicationFailure gets `{ earlierAttempts: n }` appended to its details,
 * because one of the earlier attempts (timed out, dropped, answered 5xx) may have reached Agora and started the task
 * even though this one was refused (the workflow then looks for that task instead of giving up on it, start.ts).
 */
async function withEarlierAttempts<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const earlierAttempts = Context.current().info.attempt - 1;
    if (earlierAttempts < 1 || !(err instanceof ApplicationFailure)) throw err;
    throw ApplicationFailure.create({
      type: err.type ?? undefined,
      message: err.message,
      nonRetryable: err.nonRetryable ?? undefined,
      nextRetryDelay: err.nextRetryDelay ?? undefined,
      details: [...(err.details ?? []), { earlierAttempts }],
      cause: err.cause,
    });
  }
}

/** The sid an earlier attempt of this start recorded with heartbeat, if any. */
function sidOf(details: unknown): string | undefined {
  const sid = typeof details === 'object' && details !== null ? (details as { sid?: unknown }).sid : undefined;
  return typeof sid === 'string' && sid.length > 0 ? sid : undefined;
}

/** Per-call options from the activity context: cancellation and a budget inside start-to-close. */
function callOptions(marginMs: number): CallOptions {
  const ctx = Context.current();
  const startToClose = ctx.info.startToCloseTimeoutMs;
  const budgetMs = startToClose > 0 ? Math.max(1_000, startToClose - marginMs) : undefined;
  return { signal: ctx.cancellationSignal, budgetMs };
}

/**
 * Builds the activities. Adds the App Certificate and the storage and encryption profiles' keys to the client's
 * redactor. Every activity throws only ApplicationFailure (a type of the contract's AgoraFailureType) or
 * CancelledFailure; the Agora status codes behind them: https://docs.agora.io/en/cloud-recording/rest-api/status-codes.
 * @param deps client, storage profiles, and optional App Certificate / uid range / token lifetime (s) / margin (ms).
 * @returns an object satisfying {@link RecordingActivities}; register it with the worker.
 */
export function createActivities(deps: ActivityDeps): RecordingActivities {
  const { client } = deps;
  const redactor = client.redactor;
  redactor.add(deps.appCertificate);
  if (typeof deps.storageProfiles !== 'function') {
    for (const p of Object.values(deps.storageProfiles)) redactor.add(p.accessKey, p.secretKey, p.stsToken);
  }
  for (const p of Object.values(deps.encryptionProfiles ?? {})) redactor.add(p.secret, p.salt);
  const marginMs = deps.timeoutMarginMs ?? 2_000;

  /** Runs one Agora call; converts everything thrown into a Temporal failure (never a raw library error). */
  async function run<T>(endpoint: Endpoint, fn: (opts: CallOptions) => Promise<T>): Promise<T> {
    try {
      return await fn(callOptions(marginMs));
    } catch (err) {
      throw failureForError(err, endpoint, redactor);
    }
  }

  function log(answer: AgoraAnswer<unknown>, extra: Record<string, unknown> = {}): void {
    Context.current().log.info(`agora ${answer.endpoint}: ${answer.outcome}`, {
      endpoint: answer.endpoint,
      outcome: answer.outcome,
      httpStatus: answer.httpStatus,
      code: answer.code,
      requestId: answer.requestId,
      host: answer.host,
      ...extra,
    });
  }

  /**
   * Confirms a start (see {@link StartConfirmation}) inside the start activity, so it costs the workflow nothing: the
   * sid is never put at risk, so it only runs while the start-to-close timeout leaves room, and a failed query is
   * `unknown`, never a failed start.
   */
  async function confirmStart(
    ref: SessionRef,
    startedAt: number,
    signal: AbortSignal | undefined,
  ): Promise<StartConfirmation> {
    const ctx = Context.current();
    // Both timeouts bound this attempt: start-to-close, and schedule-to-close (the resourceId's start window).
    const { startToCloseTimeoutMs, scheduleToCloseTimeoutMs, scheduledTimestampMs } = ctx.info;
    const ends = [startedAt + startToCloseTimeoutMs];
    if (scheduleToCloseTimeoutMs > 0) ends.push(scheduledTimestampMs + scheduleToCloseTimeoutMs);
    const deadline = Math.min(...ends) - marginMs;
    const delayMs = deps.startConfirmDelayMs ?? 5_000;
    let status: number | undefined;
    for (let i = 0; i < START_CONFIRM_QUERIES; i++) {
      if (Date.now() + delayMs + CONFIRM_QUERY_BUDGET_MS > deadline) break;
      let r: QueryResult;
      try {
        if (delayMs > 0) await ctx.sleep(delayMs);
        const answer = await client.query(ref.resourceId, ref.sid, ref.mode, {
          signal,
          budgetMs: CONFIRM_QUERY_BUDGET_MS,
        });
        log(answer, { sid: ref.sid, confirming: true });
        r = queryResult(answer);
      } catch {
        return status === undefined ? { kind: 'unknown' } : { kind: 'starting', status };
      }
      if (r.kind === 'not_found') return { kind: 'not_found' };
      if (r.kind === 'exiting') return { kind: 'ended' };
      status = r.status;
      if (isRunningStatus(status)) return { kind: 'running', status };
      if (isEndingStatus(status)) return { kind: 'ended', status };
    }
    return status === undefined ? { kind: 'unknown' } : { kind: 'starting', status };
  }

  const uid = (value: string, field = 'uid') =>
    deps.recorderUidRange ? parseRecorderUid(value, deps.recorderUidRange, field) : parseUid(value, field);

  return {
    /**
     * acquire (https://docs.agora.io/en/cloud-recording/rest-api/acquire). web mode uses scene 1 (required), the
     * others scene 0.
     * @returns `{ resourceId, requestId? }`; the resourceId lives 5 minutes (./results.ts).
     * @throws ApplicationFailure AgoraInvalidRequest (bad uid/cname), AgoraAuthFailed, AgoraQuotaExceeded (406),
     *   AgoraRateLimited, AgoraServerError, AgoraNetworkError, AgoraInvalidResponse (types: ./failures.ts).
     */
    async acquire(input: AcquireInput): Promise<AcquireResult> {
      return run('acquire', async (opts) => {
        const answer = await client.acquire(
          {
            cname: input.cname,
            uid: uid(input.uid),
            clientRequest: {
              scene: input.mode === 'web' ? 1 : 0,
              ...(input.resourceExpiredHour === undefined ? {} : { resourceExpiredHour: input.resourceExpiredHour }),
              ...(input.region === undefined ? {} : { region: input.region }),
              ...(input.excludeResourceIds === undefined ? {} : { excludeResourceIds: input.excludeResourceIds }),
            },
          },
          opts,
        );
        log(answer);
        return acquireResult(answer);
      });
    },

    /**
     * start (https://docs.agora.io/en/cloud-recording/rest-api/start). Resolves the storage profile (and the encryption profile, if named) and, with an App Certificate
     * and no input token, mints the recorder's RTC token (lifetime `tokenLifetimeSeconds`, in s, default 24 h).
     * @returns `{ alreadyStarted: false, sid, requestId? }` (200) or `{ alreadyStarted: true, sid? }` (201/7: this resourceId was
     *   started before; the sid is there only if Agora echoed it).
     * @throws ApplicationFailure UnknownStorageProfile, AgoraInvalidRequest (400/2, bad body, bad token lifetime),
     *   AgoraTaskConflict (400/53), AgoraReacquireNeeded (433, 1001, 500/502), AgoraAuthFailed (401, 109, 110),
     *   AgoraRetrySameCall (206/65, 500/62), AgoraRateLimited, AgoraServerError, AgoraNetworkError, AgoraInvalidResponse.
     */
    async start(input: StartInput): Promise<StartResult> {
      const startedAt = Date.now();
      // An earlier attempt got the sid and then died (worker lost, timed out while confirming): its sid is in the
      // heartbeat details, and starting again would only answer 201/7, usually without it.
      const earlier = sidOf(Context.current().info.heartbeatDetails);
      if (earlier !== undefined)
        return { alreadyStarted: false, sid: earlier, ncsConfigured: deps.ncsConfigured ?? true };
      return withEarlierAttempts(
        run('start', async (opts) => {
          const recorderUid = uid(input.uid);
          const storageConfig = await resolveStorage(
            deps.storageProfiles,
            input.storageProfile,
            input.fileNamePrefix,
            redactor,
          );
          const token = input.token ?? mintToken(input, recorderUid);
          redactor.addTransient(token);
          const recordingConfig =
            input.encryptionProfile === undefined
              ? input.recordingConfig
              : withEncryption(input.recordingConfig, input.encryptionProfile);
          const answer = await client.start(
            input.resourceId,
            input.mode,
            {
              cname: input.cname,
              uid: recorderUid,
              clientRequest: {
                ...(token === undefined ? {} : { token }),
                storageConfig,
                ...(recordingConfig === undefined ? {} : { recordingConfig }),
                ...(input.recordingFileConfig === undefined ? {} : { recordingFileConfig: input.recordingFileConfig }),
                ...(input.snapshotConfig === undefined ? {} : { snapshotConfig: input.snapshotConfig }),
                ...(input.extensionServiceConfig === undefined
                  ? {}
                  : { extensionServiceConfig: input.extensionServiceConfig }),
              },
            },
            opts,
          );
          log(answer);
          const result = startResult(answer);
          if (result.sid !== undefined) Context.current().heartbeat({ sid: result.sid });
          const confirmation =
            result.sid === undefined
              ? undefined
              : await confirmStart({ ...input, sid: result.sid }, startedAt, opts.signal);
          return { ...result, ...(confirmation && { confirmation }), ncsConfigured: deps.ncsConfigured ?? true };
        }),
      );
    },

    /**
     * query (https://docs.agora.io/en/cloud-recording/rest-api/query).
     * @returns `{ kind: 'ok', status?, fileList?, sliceStartTime? }` (Agora's recording status; `sliceStartTime` Unix
     *   time in ms; web mode's fileList comes from the web_recorder_service payload), `{ kind: 'not_found' }` for a 404
     *   (gone, or inside the ~90 s in which Agora moves a recorder to another server: the workflow decides with its own
     *   clock), `{ kind: 'exiting' }` for legacy 501 "service exiting".
     * @throws ApplicationFailure AgoraRetrySameCall (206/65, 504/62), AgoraInvalidRequest, AgoraAuthFailed,
     *   AgoraRateLimited, AgoraServerError, AgoraNetworkError, AgoraInvalidResponse.
     */
    async query(input: SessionRef): Promise<QueryResult> {
      return run('query', async (opts) => {
        const answer = await client.query(input.resourceId, input.sid, input.mode, opts);
        log(answer, { sid: input.sid });
        return queryResult(answer);
      });
    },

    /**
     * update (https://docs.agora.io/en/cloud-recording/rest-api/update): subscription lists and/or web onhold; with
     * `storageProfile`, also re-sends that profile's storageConfig (STS credentials refresh).
     * @returns `{ kind: 'ok' }` or `{ kind: 'not_found' }` (404, as for query).
     * @throws ApplicationFailure as for query, plus UnknownStorageProfile.
     */
    async update(input: UpdateInput): Promise<UpdateResult> {
      return run('update', async (opts) => {
        const storageConfig =
          input.storageProfile === undefined
            ? undefined
            : await resolveStorage(deps.storageProfiles, input.storageProfile, input.fileNamePrefix, redactor);
        const answer = await client.update(
          input.resourceId,
          input.sid,
          input.mode,
          {
            cname: input.cname,
            uid: uid(input.uid),
            clientRequest: {
              ...(input.streamSubscribe === undefined ? {} : { streamSubscribe: input.streamSubscribe }),
              ...(input.webRecordingConfig === undefined ? {} : { webRecordingConfig: input.webRecordingConfig }),
              ...(storageConfig === undefined ? {} : { storageConfig }),
            },
          },
          opts,
        );
        log(answer, { sid: input.sid });
        return updateResult(answer);
      });
    },

    /**
     * updateLayout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout): sends the FULL desired layout
     * (Agora replaces the whole layout); mix mode only.
     * @returns `{ kind: 'ok' }` or `{ kind: 'not_found' }` (404, as for query).
     * @throws ApplicationFailure AgoraInvalidRequest (not mix, 1028, 400/2), and as for query.
     */
    async updateLayout(input: UpdateLayoutInput): Promise<UpdateResult> {
      return run('updateLayout', async (opts) => {
        if (input.mode !== 'mix') throw new AgoraConfigError('mode', 'updateLayout is only available in mix mode');
        const answer = await client.updateLayout(
          input.resourceId,
          input.sid,
          { cname: input.cname, uid: uid(input.uid), clientRequest: input.layout },
          opts,
        );
        log(answer, { sid: input.sid });
        return updateResult(answer);
      });
    },

    /**
     * stop (https://docs.agora.io/en/cloud-recording/rest-api/stop). Synchronous by default (Agora answers after the
     * upload, up to about 20 s; the client waits up to 25 s).
     * @returns `{ kind: 'stopped', uploadingStatus?, fileList? }` (200; web mode reads the upload_service payload),
     *   `{ kind: 'no_content' }` (206/435), `{ kind: 'already_exiting' }` (400/49, or code 50 upload timeout, or
     *   legacy 501), `{ kind: 'not_found' }` (404: the task is gone).
     * @throws ApplicationFailure AgoraRetrySameCall (206/65, 504/62: a repeated stop is safe, it answers 49 if the
     *   first landed), AgoraRateLimited, AgoraServerError, AgoraNetworkError, AgoraInvalidRequest, AgoraAuthFailed,
     *   AgoraInvalidResponse.
     */
    async stop(input: StopInput): Promise<StopResult> {
      return run('stop', async (opts) => {
        const answer = await client.stop(
          input.resourceId,
          input.sid,
          input.mode,
          { cname: input.cname, uid: uid(input.uid), clientRequest: { async_stop: input.asyncStop ?? false } },
          opts,
        );
        log(answer, { sid: input.sid });
        // Attempts of this activity and of the client (a timed-out request retried, on the other domain too) before the
        // one that answered: any of them may have taken.
        const earlierAttempts = Context.current().info.attempt - 1 + (answer.attempts - 1);
        const result = stopResult(answer);
        return earlierAttempts > 0 ? { ...result, earlierAttempts } : result;
      });
    },
  };

  /**
   * recordingConfig with the named encryption profile's decryptionMode/secret/salt merged in (start's
   * `recordingConfig`, https://docs.agora.io/en/cloud-recording/rest-api/start).
   * @throws AgoraConfigError without a recordingConfig; ApplicationFailure AgoraInvalidRequest for an unknown profile.
   */
  function withEncryption(
    recordingConfig: StartInput['recordingConfig'],
    profile: string,
  ): StartInput['recordingConfig'] {
    if (!recordingConfig) {
      throw new AgoraConfigError('recordingConfig', 'is required with encryptionProfile (decryption is set there)');
    }
    return { ...recordingConfig, ...resolveEncryption(deps.encryptionProfiles, profile, redactor) };
  }

  function mintToken(input: StartInput, recorderUid: string): string | undefined {
    // The token is for the recorder joining an RTC channel (individual, mix); web mode records a page instead.
    if (!deps.appCertificate || input.mode === 'web') return undefined;
    if (!deps.appId) throw new AgoraConfigError('appId', 'is required to mint tokens with an App Certificate');
    const lifetime = input.tokenLifetimeSeconds ?? deps.defaultTokenLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
    return mintRecorderToken({
      appId: deps.appId,
      appCertificate: deps.appCertificate,
      cname: input.cname,
      uid: recorderUid,
      maxDurationSeconds: lifetime,
    }).token;
  }
}
