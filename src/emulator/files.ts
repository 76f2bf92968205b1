/**
 * Recorded file names and file lists, per mode and `avFileType`
 * (https://docs.agora.io/en/cloud-recording/rest-api/query, https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/develop/manage-files). `sliceStartTime` is Unix ms, as in every Agora
 * example.
 *
 * - individual: per uid an audio and/or a video M3U8 (`standard` stream mode adds a combined one); `fileListMode`
 *   "json"; no list at all when snapshots are configured.
 * - mix, `["hls"]`: `fileListMode` "string", `fileList` the M3U8 name.
 * - mix, `["hls","mp4"]`: `fileListMode` "json", the M3U8 and the first MP4, uid "0", `mixedAllUser` true.
 * - web: entries `{filename, sliceStartTime}` (lower-case `filename`), cname special characters replaced by `-`.
 */
import { type FileListEntry, type RecordingMode } from '../agora/schemas';

/** What the file list depends on. */
export interface FileFacts {
  mode: RecordingMode;
  sid: string;
  cname: string;
  /** storageConfig.fileNamePrefix segments. */
  fileNamePrefix?: string[] | undefined;
  avFileType: string[];
  streamTypes: 0 | 1 | 2;
  streamMode?: string | undefined;
  snapshot: boolean;
  /** Recorded uids (individual) with the Unix ms their first slice started, in order. */
  recordedUids: ReadonlyMap<string, number>;
  /** When the first slice of the recording started, Unix ms. */
  firstSliceAt?: number | undefined;
}

/** The `fileListMode` / `fileList` pair (or web's file entries) of a recording. */
export type FileListing =
  | { fileListMode: 'string'; fileList: string }
  | { fileListMode: 'json'; fileList: FileListEntry[] }
  | { web: { filename: string; sliceStartTime: number }[] }
  | { none: true };

/** Characters https://docs.agora.io/en/cloud-recording/develop/manage-files says become `-` in web-mode file names. */
const WEB_SPECIAL = /[!@#$%^&*()+_.=[\]{}~,;:?<>|]/g;

/** The storage path prefix, with its trailing slash ("" when none). */
export function prefixOf(segments: string[] | undefined): string {
  return segments?.length ? `${segments.join('/')}/` : '';
}

/** The M3U8 name of a mix or web recording (the one event 4 reports). */
export function mainPlaylist(f: FileFacts): string {
  const cname = f.mode === 'web' ? f.cname.replace(WEB_SPECIAL, '-') : f.cname;
  if (f.mode === 'individual') {
    const first = [...f.recordedUids.keys()][0] ?? '0';
    return individualName(f, first, f.streamTypes === 1 ? 'video' : 'audio');
  }
  return `${prefixOf(f.fileNamePrefix)}${f.sid}_${cname}.m3u8`;
}

/**
 * The current file listing; empty lists before the first slice (the M3U8 only exists after it,
 * https://docs.agora.io/en/cloud-recording/rest-api/query).
 */
export function fileListing(f: FileFacts): FileListing {
  const started = f.firstSliceAt;
  const mp4 = f.avFileType.includes('mp4');
  if (f.mode === 'web') {
    if (started === undefined) return { web: [] };
    const base = mainPlaylist(f).replace(/\.m3u8$/, '');
    const files = [{ filename: `${base}.m3u8`, sliceStartTime: started }];
    if (mp4) files.push({ filename: `${base}_0.mp4`, sliceStartTime: started });
    return { web: files };
  }
  if (f.mode === 'mix') {
    if (!mp4) return { fileListMode: 'string', fileList: started === undefined ? '' : mainPlaylist(f) };
    if (started === undefined) return { fileListMode: 'json', fileList: [] };
    const m3u8 = mainPlaylist(f);
    const trackType = trackTypeOf(f.streamTypes);
    const common = { trackType, uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: started };
    return {
      fileListMode: 'json',
      fileList: [
        { fileName: m3u8, ...common },
        { fileName: m3u8.replace(/\.m3u8$/, '_0.mp4'), ...common },
      ],
    };
  }
  if (f.snapshot) return { none: true };
  const list: FileListEntry[] = [];
  for (const [uid, at] of f.recordedUids) {
    const common = { uid, mixedAllUser: false, isPlayable: true, sliceStartTime: at };
    if (f.streamTypes !== 1) list.push({ fileName: individualName(f, uid, 'audio'), trackType: 'audio', ...common });
    if (f.streamTypes !== 0) list.push({ fileName: individualName(f, uid, 'video'), trackType: 'video', ...common });
    if (f.streamMode === 'standard' && f.streamTypes === 2) {
      // The combined index of `standard` mode (https://docs.agora.io/en/cloud-recording/rest-api/start); its exact name
      // is not documented [derived].
      list.push({ fileName: individualName(f, uid, 'av'), trackType: 'audio_and_video', ...common });
    }
  }
  return { fileListMode: 'json', fileList: list };
}

/** https://docs.agora.io/en/cloud-recording/rest-api/query trackType from streamTypes. */
export function trackTypeOf(streamTypes: 0 | 1 | 2): 'audio' | 'video' | 'audio_and_video' {
  return streamTypes === 0 ? 'audio' : streamTypes === 1 ? 'video' : 'audio_and_video';
}

/** https://docs.agora.io/en/cloud-recording/develop/manage-files: `<sid>_<cname>__uid_s_<uid>__uid_e_<type>.m3u8`. */
function individualName(f: FileFacts, uid: string, type: string): string {
  return `${prefixOf(f.fileNamePrefix)}${f.sid}_${f.cname}__uid_s_${uid}__uid_e_${type}.m3u8`;
}
