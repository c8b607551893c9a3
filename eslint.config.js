import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // No import cycles, on either side: modules are layered (docs/architecture.md).
    files: ['src/**/*.{ts,tsx}', 'server/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/resolver': { node: { extensions: ['.ts', '.tsx'] } },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // zod is configured (no eval in MV3) before any schema: the extension imports it from one module.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'src/core/zod.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'zod', message: 'Import z from src/core/zod.ts (configured before any schema).' }] },
      ],
    },
  },
  {
    // The content script runs in every matched page: no zod, no protocol values (types only) —
    // it checks its few commands by hand and the background parses all it sends (docs/architecture.md).
    files: ['src/content/**/*.ts', 'src/adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'The content script does not import zod.' }],
          patterns: [
            {
              regex: '(^|/)core/(protocol|page|care-team|exams|record|session|results|zod)\\.ts$',
              allowTypeImports: true,
              message: 'Protocol schemas stay out of the content script: import their types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line programs speak on stdout.
    files: ['scripts/**', 'server/main.ts', 'server/**/*-cli.ts'],
    rules: { 'no-console': 'off' },
  },
);
