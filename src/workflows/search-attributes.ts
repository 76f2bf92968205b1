import { defineSearchAttributeKey } from '@temporalio/common';

/** Channel name (`cname`) of the recording; Keyword. Search in the UI with `AgoraChannel = "room-1"`. */
export const agoraChannelKey = defineSearchAttributeKey('AgoraChannel', 'KEYWORD');
/** Agora recording id (`sid`) once start succeeded; Keyword. */
export const agoraSidKey = defineSearchAttributeKey('AgoraSid', 'KEYWORD');
/** Workflow state (acquiring, starting, recording, stopping, uploading, completed, no_content, exited, failed, cancelled); Keyword. */
export const recordingStatusKey = defineSearchAttributeKey('RecordingStatus', 'KEYWORD');

/** Every custom search attribute the project registers on the Temporal server. */
export const searchAttributeKeys = [agoraChannelKey, agoraSidKey, recordingStatusKey] as const;
