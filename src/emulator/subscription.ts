/**
 * Which participants a recording records, from its subscribe / unsubscribe lists
 * (https://docs.agora.io/en/cloud-recording/rest-api/start "Subscription list rules",
 * https://docs.agora.io/en/cloud-recording/rest-api/update update):
 * - no list at all: every user, for the media the recording takes (`streamTypes`);
 * - a subscribe list for a medium: only those uids (or all with `#allstream#`);
 * - an unsubscribe list for a medium: everyone but those uids;
 * - lists for one medium only: the other medium is not subscribed at all.
 */
import { type RecordingConfig, type StreamSubscribe } from '../agora/schemas';

/** The lists of one medium. */
export interface MediumLists {
  subscribe?: string[];
  unsubscribe?: string[];
}

/** A recording's current subscription. */
export interface Subscription {
  /** 0 audio only, 1 video only, 2 both (https://docs.agora.io/en/cloud-recording/rest-api/start). */
  streamTypes: 0 | 1 | 2;
  audio: MediumLists;
  video: MediumLists;
}

/** The subscription a start request asks for. Both blacklist spellings count (Agora's pages use both). */
export function subscriptionFromConfig(rc: RecordingConfig | undefined): Subscription {
  return {
    streamTypes: rc?.streamTypes ?? 2,
    audio: lists(rc?.subscribeAudioUids, rc?.unSubscribeAudioUids ?? rc?.unsubscribeAudioUids),
    video: lists(rc?.subscribeVideoUids, rc?.unSubscribeVideoUids ?? rc?.unsubscribeVideoUids),
  };
}

/**
 * The subscription after an `update` with `streamSubscribe`: the lists given replace the old ones
 * (https://docs.agora.io/en/cloud-recording/rest-api/update).
 */
export function applyStreamSubscribe(current: Subscription, update: StreamSubscribe): Subscription {
  const a = update.audioUidList;
  const v = update.videoUidList;
  return {
    streamTypes: current.streamTypes,
    audio: a ? lists(a.subscribeAudioUids, a.unSubscribeAudioUids ?? a.unsubscribeAudioUids) : current.audio,
    video: v ? lists(v.subscribeVideoUids, v.unSubscribeVideoUids ?? v.unsubscribeVideoUids) : current.video,
  };
}

/** Whether `uid`'s audio / video is recorded. */
export function subscribedMedia(sub: Subscription, uid: string): { audio: boolean; video: boolean } {
  const anyAudioList = hasList(sub.audio);
  const anyVideoList = hasList(sub.video);
  const medium = (own: MediumLists, otherHasList: boolean): boolean => {
    if (own.subscribe) return own.subscribe.includes(uid) || own.subscribe.includes('#allstream#');
    if (own.unsubscribe) return !own.unsubscribe.includes(uid);
    return !otherHasList;
  };
  return {
    audio: sub.streamTypes !== 1 && medium(sub.audio, anyVideoList),
    video: sub.streamTypes !== 0 && medium(sub.video, anyAudioList),
  };
}

function lists(subscribe: string[] | undefined, unsubscribe: string[] | undefined): MediumLists {
  return { ...(subscribe ? { subscribe } : {}), ...(unsubscribe ? { unsubscribe } : {}) };
}

function hasList(m: MediumLists): boolean {
  return m.subscribe !== undefined || m.unsubscribe !== undefined;
}
