/**
 * The recording workflow's wire contract: the one place the client, the receiver, the workflow, the activities and
 * other SDKs learn it. Plain TypeScript and plain data; imports nothing but `@temporalio/workflow` (for the
 * signal, update and query definitions).
 */
export type {
  BackgroundConfig,
  ExtensionServiceConfig,
  FileList,
  FileListEntry,
  LayoutRegion,
  MixLayout,
  NcsNotification,
  NcsPayload,
  RecordingConfig,
  RecordingFileConfig,
  RecordingMode,
  RtmpPublishService,
  SnapshotConfig,
  StreamSubscribe,
  TranscodingConfig,
  UidList,
  UploadingStatus,
  WebRecorderService,
} from './agora';
export {
  ALL_STREAMS,
  CNAME_CHARSET_TEXT,
  CNAME_MAX_BYTES_EXCLUSIVE,
  CNAME_PATTERN,
  COLOR_PATTERN,
  FILE_NAME_PREFIX_MAX_LENGTH,
  FILE_NAME_PREFIX_SEGMENT,
  LAYOUT_KEYS,
  MAX_LAYOUT_REGIONS,
  MAX_UID_LIST,
  REGION_KEYS,
  RESOURCE_EXPIRED_HOUR,
  UID_MAX,
  UID_PATTERN,
  WEB_CNAME_MAX_BYTES,
  WEEK_SECONDS,
  defaultRecordingPolicy,
  policyRanges,
} from './limits';
export {
  CLOUD_RECORDING_PRODUCT_ID,
  LeaveCode,
  NcsEvent,
  type NcsEventType,
  describeLeaveCode,
  isEndingStatus,
  isRunningStatus,
  workflowNcsEventTypes,
} from './ncs';
export {
  AgoraFailureType,
  RecordingFailureType,
  WorkflowErrorType,
  isLastErrorType,
  type LastAgoraError,
  type LastErrorType,
} from './failures';
export {
  defaultTaskQueue,
  recordingWorkflowId,
  recordingWorkflowName,
  type RecordingCarryOver,
  type RecordingEnding,
  type RecordingInput,
  type RecordingPolicy,
  type RecordingResult,
  type RecordingState,
  type RecordingStatus,
} from './recording';
export {
  agoraNotificationSignal,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
} from './messages';
export { agoraChannelKey, agoraSidKey, recordingStatusKey, searchAttributeKeys } from './search-attributes';
export {
  activityOptions,
  nonRetryableAgoraFailures,
  type AcquireInput,
  type AcquireResult,
  type QueryResult,
  type RecorderIdentity,
  type RecordingActivities,
  type SessionRef,
  type StartInput,
  type StartResult,
  type StartConfirmation,
  type StopInput,
  type StopResult,
  type UpdateInput,
  type UpdateLayoutInput,
  type UpdateResult,
} from './activities';
