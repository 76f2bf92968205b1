/**
 * query's answer keeps its file list (https://docs.agora.io/en/cloud-recording/rest-api/query): with NCS lost, the last
 * query may be the only source of the files the workflow returns (issue 17).
 */
import type { AgoraAnswer } from '../../src/agora/client';
import type { QueryResponse } from '../../src/agora/schemas';
import { queryResult } from '../../src/activities/results';
import { mixFiles } from '../support/workflows';

const ok = (serverResponse: QueryResponse['serverResponse']): AgoraAnswer<QueryResponse> => ({
  endpoint: 'query',
  rowId: 'query-200',
  httpStatus: 200,
  host: 'https://api.example',
  attempts: 1,
  outcome: 'ok',
  body: { resourceId: 'rid-1', sid: 'sid-1', serverResponse },
});

test('fileListMode json: the entries', () => {
  expect(queryResult(ok({ status: 5, fileListMode: 'json', fileList: mixFiles('sid-1') }))).toEqual({
    kind: 'ok',
    status: 5,
    fileList: mixFiles('sid-1'),
  });
});

test('fileListMode string: the M3U8 name', () => {
  expect(queryResult(ok({ status: 5, fileListMode: 'string', fileList: 'a/sid-1_room.m3u8' }))).toEqual({
    kind: 'ok',
    status: 5,
    fileList: 'a/sid-1_room.m3u8',
  });
});

test("web mode: the web_recorder_service payload's fileList", () => {
  const fileList = [{ filename: 'web/sid-1_room.m3u8', sliceStartTime: 1 }];
  expect(
    queryResult(
      ok({ status: 5, extensionServiceState: [{ serviceName: 'web_recorder_service', payload: { fileList } }] }),
    ),
  ).toEqual({ kind: 'ok', status: 5, fileList });
});
