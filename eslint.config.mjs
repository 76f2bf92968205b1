// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', '.tools/', 'coverage/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
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
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'axios', 'zod', 'pino', 'fastify'].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no I/O, Node builtins or zod in src/workflows.',
          })),
          patterns: [
            {
              group: [
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/testing',
                'zod/*',
              ],
              message: 'Workflow code may import @temporalio/workflow and @temporalio/common only.',
            },
            {
              group: ['../activities', '../activities/*', '../agora', '../agora/*'],
              allowTypeImports: true,
              message: 'Workflows may only `import type` from activities and agora.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
