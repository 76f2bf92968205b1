import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { configVariables } from '../../src/config';
import { parseRecordingInput } from '../../src/input';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { errorChain, formatErrorChain, runCli } from '../../src/cli/main';

describe('docs/recording-input.schema.json', () => {
  const root = path.resolve(__dirname, '../..');
  const schemaFile = path.join(root, 'docs/recording-input.schema.json');

  it('is generated from src/input.ts (run `npm run schema` after changing the input schema)', () => {
    // Throws (non-zero exit) when the file differs from what the generator would write.
    execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/generate-schema.ts', '--check'], { cwd: root });
  });

  it('describes every top-level input field, uid required', () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { properties: object; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['cname', 'uid', 'mode', 'recordingConfig', 'storage', 'policy']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['cname', 'uid', 'mode', 'storage']));
  });

  it('the README example input is valid', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const m = /--input '(\{[\s\S]*?\})'/.exec(readme);
    expect(m).not.toBeNull();
    expect(() => parseRecordingInput(JSON.parse(m![1]!))).not.toThrow();
  });
});

describe('policy', () => {
  const base = {
    cname: 'room-1',
    uid: '4294967001',
    mode: 'mix',
    recordingConfig: { channelType: 0 },
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: 'default' },
  };

  it('accepts every RecordingPolicy field within the ranges the workflow checks', () => {
    const policy = {
      maxDurationSeconds: 3600,
      uploadTimeoutSeconds: 600,
      healthCheckIntervalSeconds: 10,
      maxAcquireAttempts: 20,
      failoverWindowSeconds: 90,
      startWindowSeconds: 290,
      continueAsNewAfterEvents: 50,
    };
    expect(parseRecordingInput({ ...base, policy }).policy).toEqual(policy);
  });

  it.each([
    [{ startWindowSeconds: 291 }, /policy\.startWindowSeconds/],
    [{ maxAcquireAttempts: 0 }, /policy\.maxAcquireAttempts/],
    [{ healthCheckIntervalSeconds: 5 }, /policy\.healthCheckIntervalSeconds/],
    [{ maxDurationSeconds: 72 * 3600 }, /policy\.maxDurationSeconds: must be shorter than resourceExpiredHour/],
    [{ retries: 3 }, /policy/],
  ])('rejects %j naming the field', (policy, message) => {
    expect(() => parseRecordingInput({ ...base, policy })).toThrow(message);
  });
});

describe('README configuration table', () => {
  it('documents every variable with its default', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    for (const v of configVariables) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${v.name}\``));
      expect(row).toBeDefined();
      expect(row).toContain(v.default);
    }
  });
});

describe('CLI', () => {
  it('prints help and exits 0', async () => {
    let out = '';
    expect(await runCli(['node', 'client', '--help'], (s) => void (out += s))).toBe(0);
    for (const c of ['start', 'layout', 'subscription', 'stop', 'status', 'list', 'result']) expect(out).toContain(c);
    expect(out).toMatch(/Exit codes: 0 success; 2 invalid input or configuration/);
    expect(out).toContain('AGORA_APP_ID');
  });

  it('exits 2 on a number it cannot mean (list --limit 1e1, abc, 0), naming the option, before connecting', async () => {
    for (const bad of ['1e1', 'abc', '0']) {
      let err = '';
      const args = ['node', 'client', '--app-id', 'x', 'list', 'room', '--limit', bad];
      expect(
        await runCli(
          args,
          () => undefined,
          (s) => void (err += s),
        ),
      ).toBe(2);
      expect(err).toContain(`option '-n, --limit <n>' argument '${bad}' is invalid`);
    }
  });

  it('exits 2 without an App ID, like every configuration error; --json prints the error as JSON', async () => {
    const saved = process.env.AGORA_APP_ID;
    delete process.env.AGORA_APP_ID;
    try {
      let err = '';
      const code = await runCli(
        ['node', 'client', '--json', 'status', '--cname', 'r', '--uid', '1'],
        () => undefined,
        (s) => void (err += s),
      );
      expect(code).toBe(2);
      expect(JSON.parse(err)).toEqual({
        error: { name: 'ConfigError', message: expect.stringContaining('AGORA_APP_ID') as unknown },
        exitCode: 2,
      });
    } finally {
      if (saved !== undefined) process.env.AGORA_APP_ID = saved;
    }
  });

  it('prints the cause chain of a failure: the update failure and the workflow reason with its type', () => {
    const e = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({
        message: 'updateLayout needs the recording state; the recording is uploading',
        type: 'NotRecording',
        nonRetryable: true,
      }),
    );
    const chain = errorChain(e);
    expect(chain).toMatchObject({
      name: 'WorkflowUpdateFailedError',
      cause: {
        name: 'ApplicationFailure',
        type: 'NotRecording',
        message: expect.stringContaining('uploading') as unknown,
      },
    });
    expect(formatErrorChain(chain)).toBe(
      'WorkflowUpdateFailedError: Workflow Update failed\n' +
        '  caused by ApplicationFailure (type: NotRecording): updateLayout needs the recording state; the recording is uploading',
    );
  });

  it('names the Temporal address it cannot reach (exit 1)', async () => {
    let err = '';
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    try {
      const code = await runCli(
        ['node', 'client', '--app-id', 'x', 'status', '--cname', 'r', '--uid', '1'],
        () => undefined,
        (s) => void (err += s),
      );
      expect(code).toBe(1);
      expect(err).toMatch(/^TemporalConnectionError: cannot reach Temporal at 127\.0\.0\.1:1/);
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    }
  });

  it('exits 2 on an invalid input without connecting', async () => {
    const code = await runCli(['node', 'client', '--app-id', 'x', 'start', '{"cname":"r","uid":"0","mode":"mix"}']);
    expect(code).toBe(2);
  });
});
