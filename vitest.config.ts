import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts: the crx plugin has no place in tests (docs/toolchain.md).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // Test files in any order (unit tests are shuffled one by one: `npm run test:unit`); within an
    // end-to-end file, a journey's steps follow one another (sign in, then act).
    sequence: { shuffle: { files: true, tests: false } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'demo/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        // The platform's suites again, on PostgreSQL (a throw-away cluster unless TEST_DATABASE_URL).
        extends: true,
        test: {
          name: 'postgres',
          include: ['server/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        // Heavy process tests: real platform processes killed mid-load.
        extends: true,
        test: {
          name: 'integration',
          include: ['server/**/*.integration.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
