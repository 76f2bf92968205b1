/**
 * The Agora domain: REST client, outcome table, domains, redaction, recorder uid policy and token minting.
 * Schemas live in ./schemas, NCS notifications in ./notifications and signatures in ./signature (import them directly).
 */
export {
  CloudRecordingClient,
  defaultTimeoutsMs,
  parseRetryAfter,
  requestIdHeaders,
  type AgoraAnswer,
  type AgoraLogger,
  type CallOptions,
  type CloudRecordingClientOptions,
  type EndpointTimeouts,
} from './client';
export {
  bodyFacts,
  decideOutcome,
  endpoints,
  outcomeTable,
  outcomes,
  type Decision,
  type Endpoint,
  type Outcome,
  type OutcomeRow,
} from './outcomes';
export {
  explicitDomains,
  nextDomainIndex,
  regionPrefixes,
  regionalDomains,
  suffixPreference,
  type AgoraArea,
  type DomainCandidate,
} from './domains';
export { REDACTED, Redactor, basicAuthHeader, isSecretKey } from './redact';
export {
  AgoraCancelledError,
  AgoraConfigError,
  AgoraError,
  AgoraRequestError,
  AgoraSchemaError,
  AgoraTransportError,
  type AgoraErrorDetails,
  type AgoraErrorKind,
} from './errors';
export {
  UID_MAX,
  allocateRecorderUid,
  assertUidRange,
  defaultRecorderUidRange,
  isRecorderUid,
  parseRecorderUid,
  parseUid,
  type UidRange,
} from './uid';
export {
  MAX_TOKEN_LIFETIME_SECONDS,
  TOKEN_LIFETIME_MARGIN_SECONDS,
  mintRecorderToken,
  type MintRecorderTokenInput,
  type MintedToken,
} from './token';
