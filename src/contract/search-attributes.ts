/**
 * The custom search attributes of a recording, as `{ name, type }` keys (the shape of the SDK's SearchAttributeKey,
 * written as plain data so this module imports nothing). The worker registers them; the workflow upserts them; the
 * Temporal UI lists recordings by them, e.g. `AgoraChannel = "room-1" AND RecordingStatus = "recording"`.
 */

/** Channel name (`cname`) of the recording; Keyword. */
export const agoraChannelKey = { name: 'AgoraChannel', type: 'KEYWORD' } as const;
/** Agora recording id (`sid`) once start succeeded; Keyword. */
export const agoraSidKey = { name: 'AgoraSid', type: 'KEYWORD' } as const;
/** Workflow state (acquiring … cancelled, see RecordingState); Keyword. */
export const recordingStatusKey = { name: 'RecordingStatus', type: 'KEYWORD' } as const;

/** Every custom search attribute the project registers on the Temporal server. */
export const searchAttributeKeys = [agoraChannelKey, agoraSidKey, recordingStatusKey] as const;
