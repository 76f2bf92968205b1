/**
 * RTC token minting for the recorder (https://docs.agora.io/en/cloud-recording/rest-api/start `token`,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices "Token"): when the project has an
 * App Certificate, the recorder needs an RTC token for its uid and channel. Tokens cannot be renewed during a recording
 * and expiry kicks the recorder out (code 109), so the lifetime must cover the whole recording plus the start window.
 * Built with the official `agora-token` package (AccessToken2, RtcTokenBuilder.buildTokenWithUid).
 */
import { RtcRole, RtcTokenBuilder } from 'agora-token';
import { AgoraConfigError } from './errors';
import { parseUid } from './uid';

/** Longest lifetime an AccessToken2 privilege can have: 24 h, in seconds (agora-token docs). */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * Margin added to the recording's maximum duration, seconds: the 5-minute acquire→start window
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), an HA failover (~90 s) and
 * clock skew.
 */
export const TOKEN_LIFETIME_MARGIN_SECONDS = 10 * 60;

/** Inputs of {@link mintRecorderToken}. */
export interface MintRecorderTokenInput {
  appId: string;
  /** The project's App Certificate. A secret: never logged. */
  appCertificate: string;
  cname: string;
  /** Recorder uid, decimal string (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
  uid: string;
  /**
   * The recording's maximum duration, seconds (≤ 24 h). The token lives this long plus
   * {@link TOKEN_LIFETIME_MARGIN_SECONDS}, capped at 24 h.
   */
  maxDurationSeconds: number;
  /** Role of the recorder. @default RtcRole.PUBLISHER (agora-token's recommendation; SUBSCRIBER needs co-host auth) */
  role?: number;
}

/** A minted token and when it expires. */
export interface MintedToken {
  token: string;
  /** Lifetime from now, seconds. */
  lifetimeSeconds: number;
}

/**
 * Mints the recorder's RTC token.
 * @returns the token and its lifetime (min(maxDurationSeconds + margin, 24 h), seconds).
 * @throws AgoraConfigError naming the field when the uid is invalid, the certificate or App ID is empty, or
 *   maxDurationSeconds exceeds 24 h (Agora cannot issue such a token: shorten the recording or pass a token).
 */
export function mintRecorderToken(input: MintRecorderTokenInput): MintedToken {
  if (!input.appId) throw new AgoraConfigError('appId', 'is required to mint a token');
  if (!input.appCertificate) throw new AgoraConfigError('appCertificate', 'is required to mint a token');
  if (!input.cname) throw new AgoraConfigError('cname', 'is required to mint a token');
  const uid = Number(parseUid(input.uid));
  if (!Number.isFinite(input.maxDurationSeconds) || input.maxDurationSeconds <= 0) {
    throw new AgoraConfigError('maxDurationSeconds', 'must be a positive number of seconds');
  }
  if (input.maxDurationSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new AgoraConfigError(
      'maxDurationSeconds',
      `${input.maxDurationSeconds} s needs a token beyond Agora's ${MAX_TOKEN_LIFETIME_SECONDS} s maximum`,
    );
  }
  // The margin is best effort: near the 24 h cap the token lives exactly 24 h, still covering the recording itself.
  const lifetimeSeconds = Math.min(
    MAX_TOKEN_LIFETIME_SECONDS,
    Math.ceil(input.maxDurationSeconds) + TOKEN_LIFETIME_MARGIN_SECONDS,
  );
  const token = RtcTokenBuilder.buildTokenWithUid(
    input.appId,
    input.appCertificate,
    input.cname,
    uid,
    input.role ?? RtcRole.PUBLISHER,
    lifetimeSeconds,
    lifetimeSeconds,
  );
  // agora-token answers '' instead of throwing when the App ID or certificate is not 32 hex characters.
  if (!token) throw new AgoraConfigError('appCertificate', 'App ID and App Certificate must be 32 hex characters');
  return { token, lifetimeSeconds };
}
