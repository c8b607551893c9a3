/**
 * `npm run fuzz` as a user runs it: a plain Node process, outside Vitest. It builds the same test
 * platform as the suites (`test/support/platform.ts`); that platform's database asked Vitest which
 * PostgreSQL to use, and outside Vitest the question threw before any request was sent.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('runs outside Vitest: its requests sent, none answered 5xx, the chain verified', async () => {
  // The environment of a shell: none of the variables Vitest gives its workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/fuzz.ts', '--runs', '40', '--seed', '7'], {
    env,
  });
  expect(stdout).toMatch(/^seed 7: 40 requests over \d+ routes/m);
  expect(stdout).toMatch(/, 5xx 0$/m);
  expect(stdout).toContain('audit chain verifies after the run: yes');
});
