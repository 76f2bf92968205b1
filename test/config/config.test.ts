import {
  ConfigError,
  configVariables,
  describeConfig,
  environmentHelp,
  loadTemporalConfig,
  variablesOf,
  loadReceiverConfig,
  loadStorageProfiles,
  loadWorkerConfig,
  parseDurationMs,
} from '../../src/config';

const worker = {
  AGORA_APP_ID: 'app',
  AGORA_CUSTOMER_ID: 'cid',
  AGORA_CUSTOMER_SECRET: 'customer-secret-value',
};

describe('configuration from the environment', () => {
  it('applies the documented defaults', () => {
    const c = loadWorkerConfig(worker);
    expect(c.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'agora-recording',
      tls: false,
    });
    expect(c.agora).toMatchObject({ appId: 'app', area: 'US', requestsPerSecond: 10 });
    expect(c.agora.baseUrl).toBeUndefined();
    expect(c).toMatchObject({
      maxConcurrentActivities: 50,
      maxConcurrentWorkflowTasks: 10,
      maxConcurrentNonStickyWorkflowTasks: 4,
      shutdownGraceTimeMs: 30_000,
      metricsBindAddress: '0.0.0.0:9464',
    });
    expect(c.storageProfiles).toEqual({});
    const r = loadReceiverConfig({ AGORA_APP_ID: 'app', NCS_SECRET: 's' });
    expect(r).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      path: '/agora/ncs',
      bodyLimitBytes: 65_536,
      dataDir: './data',
    });
    expect(r.deliveryDeadlineMs).toBe(3_600_000);
  });

  it('names every missing or bad variable, never a value', () => {
    let err: unknown;
    try {
      loadWorkerConfig({
        AGORA_CUSTOMER_SECRET: 'customer-secret-value',
        AGORA_AREA: 'MARS',
        WORKER_SHUTDOWN_GRACE_TIME: 'soon',
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
        WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS: '0',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const name of [
      'AGORA_APP_ID',
      'AGORA_CUSTOMER_ID',
      'AGORA_AREA',
      'WORKER_SHUTDOWN_GRACE_TIME',
      'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
      'WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('customer-secret-value');
  });

  it('refuses a METRICS_BIND_ADDRESS that is not host:port, naming it; empty disables metrics', () => {
    for (const bad of ['notanaddress', '127.0.0.1:abc', ':9464']) {
      expect(() => loadWorkerConfig({ ...worker, METRICS_BIND_ADDRESS: bad })).toThrow(
        /METRICS_BIND_ADDRESS: must be host:port/,
      );
    }
    expect(loadWorkerConfig({ ...worker, METRICS_BIND_ADDRESS: '[::]:9464' }).metricsBindAddress).toBe('[::]:9464');
    expect(loadWorkerConfig({ ...worker, METRICS_BIND_ADDRESS: '' }).metricsBindAddress).toBeUndefined();
  });

  it('takes numbers in plain decimal only: 1e1, 0x10 or blanks are refused, naming the variable (empty = unset)', () => {
    for (const bad of ['1e1', '0x10', '0b11', ' ', '-1', 'ten', '1_000']) {
      expect(() => loadWorkerConfig({ ...worker, WORKER_MAX_CONCURRENT_ACTIVITIES: bad })).toThrow(
        /WORKER_MAX_CONCURRENT_ACTIVITIES: must be a plain decimal number/,
      );
    }
    expect(() => loadWorkerConfig({ ...worker, AGORA_REQUESTS_PER_SECOND: '1e1' })).toThrow(
      /AGORA_REQUESTS_PER_SECOND/,
    );
    expect(() => loadWorkerConfig({ ...worker, WORKER_MAX_CONCURRENT_ACTIVITIES: '2.5' })).toThrow(
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
    expect(
      loadWorkerConfig({ ...worker, WORKER_MAX_CONCURRENT_ACTIVITIES: ' 12 ', AGORA_REQUESTS_PER_SECOND: '0.5' }),
    ).toMatchObject({ maxConcurrentActivities: 12, agora: { requestsPerSecond: 0.5 } });
    expect(loadWorkerConfig({ ...worker, WORKER_MAX_CONCURRENT_ACTIVITIES: '' })).toMatchObject({
      maxConcurrentActivities: 50,
    });
  });

  it('keeps a workflow-task slot for running recordings: non-sticky below the total, by default too', () => {
    expect(loadWorkerConfig({ ...worker, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '3' })).toMatchObject({
      maxConcurrentWorkflowTasks: 3,
      maxConcurrentNonStickyWorkflowTasks: 2,
    });
    expect(() =>
      loadWorkerConfig({
        ...worker,
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
        WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS: '8',
      }),
    ).toThrow(
      /WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS: must be less than WORKER_MAX_CONCURRENT_WORKFLOW_TASKS \(8\)/,
    );
  });

  it('reads storage profiles from JSON and per-profile variables; errors name the field only', () => {
    const profiles = loadStorageProfiles({
      STORAGE_PROFILES: JSON.stringify({
        main: { vendor: 1, region: 3, bucket: 'b', accessKey: 'ak', secretKey: 'sk' },
      }),
      STORAGE_PROFILE_BACKUP_VENDOR: '11',
      STORAGE_PROFILE_BACKUP_REGION: '0',
      STORAGE_PROFILE_BACKUP_BUCKET: 'bb',
      STORAGE_PROFILE_BACKUP_ACCESS_KEY: 'ak2',
      STORAGE_PROFILE_BACKUP_SECRET_KEY: 'sk2',
      STORAGE_PROFILE_BACKUP_ENDPOINT: 'https://s3.example.test',
      STORAGE_PROFILE_MAIN_BUCKET: 'override',
    });
    expect(profiles.main).toMatchObject({ vendor: 1, region: 3, bucket: 'override' });
    expect(profiles.backup).toMatchObject({
      vendor: 11,
      bucket: 'bb',
      extensionParams: { endpoint: 'https://s3.example.test' },
    });
    expect(() => loadStorageProfiles({ STORAGE_PROFILES: '{not json' })).toThrow(/STORAGE_PROFILES/);
    expect(() =>
      loadStorageProfiles({
        STORAGE_PROFILES: JSON.stringify({ p: { vendor: 1, region: 0, bucket: 'b', secretKey: 'TOPSECRET' } }),
      }),
    ).toThrow(/storage profile "p"\.accessKey: .* \(set in STORAGE_PROFILES or STORAGE_PROFILE_P_ACCESS_KEY\)/);
    // A profile set only by per-field variables: the error names the variable still missing.
    expect(() => loadStorageProfiles({ STORAGE_PROFILE_MYS3_BUCKET: 'b' })).toThrow(/STORAGE_PROFILE_MYS3_VENDOR/);
    // Numbers in per-field variables are plain decimal: " " is not region 0, "1e1" not vendor 10.
    const backup = { BUCKET: 'b', ACCESS_KEY: 'a', SECRET_KEY: 's', VENDOR: '1', REGION: '0' };
    const vars = (over: Record<string, string>) =>
      Object.fromEntries(Object.entries({ ...backup, ...over }).map(([k, v]) => [`STORAGE_PROFILE_B_${k}`, v]));
    expect(loadStorageProfiles(vars({})).b).toMatchObject({ vendor: 1, region: 0 });
    for (const [field, bad] of [
      ['REGION', ' '],
      ['VENDOR', '1e1'],
      ['VENDOR', '0x1'],
    ]) {
      expect(() => loadStorageProfiles(vars({ [field!]: bad! }))).toThrow(
        new RegExp(`STORAGE_PROFILE_B_${field}|storage profile "b"\\.${field!.toLowerCase()}`),
      );
    }
    try {
      loadStorageProfiles({
        STORAGE_PROFILES: JSON.stringify({
          p: { vendor: 99, region: 0, bucket: 'b', accessKey: 'a', secretKey: 'TOPSECRET' },
        }),
      });
    } catch (e) {
      expect((e as Error).message).not.toContain('TOPSECRET');
    }
  });

  it('reads encryption profiles; refuses a bad one naming the field; redacts their keys', () => {
    const c = loadWorkerConfig({
      ...worker,
      ENCRYPTION_PROFILES: JSON.stringify({
        aes: { decryptionMode: 5, secret: 'enc-secret-value', salt: 'enc-salt-value' },
      }),
    });
    expect(c.encryptionProfiles.aes).toEqual({ decryptionMode: 5, secret: 'enc-secret-value', salt: 'enc-salt-value' });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('enc-secret-value');
    expect(text).not.toContain('enc-salt-value');
    expect(() =>
      loadWorkerConfig({
        ...worker,
        ENCRYPTION_PROFILES: JSON.stringify({ aes: { decryptionMode: 9, secret: 'x-value' } }),
      }),
    ).toThrow(/ENCRYPTION_PROFILES\.aes\.decryptionMode/);
  });

  it('switches TLS on with a client certificate; refuses a certificate or key without the other, naming it', () => {
    const both = { TEMPORAL_TLS_CERT_PATH: '/c.pem', TEMPORAL_TLS_KEY_PATH: '/k.pem' };
    expect(loadTemporalConfig(both).tls).toEqual({ clientCertPath: '/c.pem', clientKeyPath: '/k.pem' });
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_KEY_PATH: '/k.pem' })).toThrow(
      /TEMPORAL_TLS_CERT_PATH: is required when TEMPORAL_TLS_KEY_PATH is set/,
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(
      /TEMPORAL_TLS_KEY_PATH: is required when TEMPORAL_TLS_CERT_PATH is set/,
    );
    expect(() => loadWorkerConfig({ ...worker, TEMPORAL_TLS_KEY_PATH: '/k.pem' })).toThrow(ConfigError);
  });

  it('accepts every LOG_LEVEL the README names, silent included', () => {
    const row = configVariables.find((v) => v.name === 'LOG_LEVEL')!.description;
    const levels = /pino level: ([a-z, ]+)\./.exec(row)![1]!.split(', ');
    expect(levels).toContain('silent');
    for (const level of levels) expect(loadWorkerConfig({ ...worker, LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it('--help lists the variables of each entry point with their defaults', () => {
    expect(variablesOf('receiver').map((v) => v.name)).toEqual(
      expect.arrayContaining(['AGORA_APP_ID', 'NCS_SECRET', 'RECEIVER_PORT', 'TEMPORAL_ADDRESS']),
    );
    expect(variablesOf('receiver').map((v) => v.name)).not.toContain('AGORA_CUSTOMER_SECRET');
    const help = environmentHelp('worker');
    for (const v of variablesOf('worker')) expect(help).toContain(v.name);
    expect(help).toContain('Default: 0.0.0.0:9464');
  });

  it('disables metrics with an empty METRICS_BIND_ADDRESS and parses durations', () => {
    expect(loadWorkerConfig({ ...worker, METRICS_BIND_ADDRESS: '' }).metricsBindAddress).toBeUndefined();
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(() => parseDurationMs('later')).toThrow();
  });

  it('describes the configuration for logs with every secret redacted', () => {
    const c = loadWorkerConfig({
      ...worker,
      AGORA_APP_CERTIFICATE: 'cert-value',
      TEMPORAL_API_KEY: 'api-key-value',
      STORAGE_PROFILES: JSON.stringify({
        main: { vendor: 1, region: 3, bucket: 'b', accessKey: 'ak-value', secretKey: 'sk-value' },
      }),
    });
    const text = JSON.stringify(describeConfig(c));
    for (const secret of ['customer-secret-value', 'cert-value', 'api-key-value', 'ak-value', 'sk-value']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"bucket":"b"');
    expect(c.temporal.tls).toEqual({});
  });
});
