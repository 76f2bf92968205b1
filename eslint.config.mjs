// @ts-check
// The architecture in lint (docs/architecture.md "Modules"): each folder of src/ may import only what its row allows,
// there is no import cycle, and workflow code stays deterministic. test/lint/architecture.test.ts shows each rule
// failing on a forbidden import.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

/**
 * A `no-restricted-imports` rule for one folder: `only` is a regex of the module specifiers the folder may import
 * (anything else is refused with `message`); `paths` bans named packages outright.
 * @param {string} message
 * @param {{ only?: string, forbid?: string, paths?: string[] }} o
 */
function allowOnly(message, o) {
  const patterns = [];
  if (o.only) patterns.push({ regex: `^(?!(${o.only})$)`, message });
  if (o.forbid) patterns.push({ regex: o.forbid, message });
  return ['error', { paths: (o.paths ?? []).map((name) => ({ name, message })), patterns }];
}

/** A file of the same folder (not `./../x`, which would leave it). */
const sameFolder = '\\./(?!.*\\.\\./).+';
/**
 * The contract's modules that load no Temporal package at run time: everything but the signal, update and query
 * definitions (messages.ts) and the index that re-exports them. Folders that must not load Temporal import these.
 */
const contractData = 'contract/(agora|limits|ncs|failures|recording|search-attributes|activities)';
/** The folders and entry points of src/ that run processes: no library folder imports them. */
const processFolders = 'workflows|activities|receiver|cli|dev|runtime|temporal|client|worker|demo|input';
const temporalExceptClient = '^@temporalio/(?!client$)';

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', '.tools/', 'coverage/', 'test-results/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses only the extensions it is told about: without these, no-cycle never follows a .ts import.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // The wire contract: plain types and data, shared with the workflow bundle and other SDKs.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': allowOnly('src/contract imports only @temporalio/workflow (and its own files).', {
        only: `@temporalio/workflow|${sameFolder}`,
      }),
    },
  },
  {
    // Workflow code is replayed: it must be deterministic. No I/O, no Node builtins, no validation libraries.
    files: ['src/workflows/**/*.ts'],
    rules: {
      // The worker preloads the workflow modules into the reusable V8 context, shared by every workflow (src/worker.ts
      // workflowBundlerOptions): module-level state would leak from one recording to the next.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Program > VariableDeclaration[kind!="const"], Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]',
          message: 'No module-level let/var in workflow code: the modules are shared by all workflows (preloaded).',
        },
      ],
      'no-restricted-imports': allowOnly(
        'Workflow code is deterministic: it imports only ../contract and @temporalio/workflow (no I/O, Node builtins, zod).',
        { only: `@temporalio/workflow|\\.\\./contract|${sameFolder}` },
      ),
    },
  },
  {
    // The Agora domain knows nothing of Temporal.
    files: ['src/agora/**/*.ts'],
    rules: {
      'no-restricted-imports': allowOnly(
        'src/agora imports contract, axios, zod, agora-token and Node; never Temporal.',
        {
          forbid: `^@temporalio/|\\.\\./(?!${contractData}$)`,
        },
      ),
    },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': allowOnly('src/activities imports contract and agora (and the Temporal activity SDK).', {
        forbid: `^@temporalio/(?!activity$|common$)|\\.\\./(?!contract$|agora/)`,
      }),
    },
  },
  {
    files: ['src/receiver/**/*.ts'],
    rules: {
      'no-restricted-imports': allowOnly(
        'src/receiver imports contract, agora notifications and signature, and @temporalio/client.',
        { forbid: `${temporalExceptClient}|\\.\\./(?!contract$|agora/notifications$|agora/signature$)` },
      ),
    },
  },
  {
    // The receiver's entry point also loads its configuration, logger and Temporal connection.
    files: ['src/receiver/main.ts'],
    rules: {
      'no-restricted-imports': allowOnly(
        'src/receiver/main.ts imports the receiver, contract, agora notifications and signature, @temporalio/client, config, runtime and temporal.',
        {
          forbid: `${temporalExceptClient}|\\.\\./(?!contract$|agora/notifications$|agora/signature$|config(/|$)|runtime/|temporal/)`,
        },
      ),
    },
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: {
      // The emulator validates requests with src/agora's schemas: no second copy of a request field that could drift.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Property[key.name=/^(storageConfig|recordingConfig|transcodingConfig|layoutConfig|fileNamePrefix|x_axis)$/] CallExpression[callee.object.name="z"]',
          message: 'The emulator validates Agora requests with the schemas of src/agora/schemas.ts, not its own.',
        },
      ],
      'no-restricted-imports': allowOnly(
        'src/emulator imports contract, agora schemas/notifications/signature, config.',
        {
          forbid: `^@temporalio/|\\.\\./(${processFolders})(/|$)|\\.\\./agora/(?!schemas$|notifications$|signature$|redact$)|\\.\\./contract(/index|/messages)?$`,
        },
      ),
    },
  },
  {
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': allowOnly('src/config imports zod, contract and agora (profiles); no process code.', {
        forbid: `^@temporalio/|\\.\\./(?!${contractData}$|agora/)`,
      }),
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // afterAll guards (`env?.teardown()`) run after a beforeAll that may have failed, where the declared type lies.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Tests read what the SDK still returns (searchAttributes of describe(), slot info's workerBuildId) on purpose.
      '@typescript-eslint/no-deprecated': 'off',
    },
  },
);
