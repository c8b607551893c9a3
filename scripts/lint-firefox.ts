/**
 * `npm run lint:firefox` (part of `npm test`, after the build): Mozilla's add-on linter on
 * `dist/firefox`, as AMO runs it. Fails on any error, and on any warning but the two that come
 * from libraries and are explained in docs/publishing.md: preact's JSX runtime can set `innerHTML`
 * (we never pass it `dangerouslySetInnerHTML`), and zod's bundle contains its `Function`-based
 * fast path (switched off before any schema is built: `src/core/zod.ts`).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const KNOWN = [
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^assets\/jsxRuntime-[\w-]+\.js$/ },
  { code: 'DANGEROUS_EVAL', file: /^assets\/(protocol|zod)-[\w-]+\.js$/ },
];

const run = spawnSync(
  process.execPath,
  [
    resolve('node_modules/web-ext/bin/web-ext.js'),
    'lint',
    '--source-dir',
    'dist/firefox',
    '--output',
    'json',
    '--no-input',
  ],
  { encoding: 'utf8' },
);
const report = JSON.parse(run.stdout) as {
  errors: { code: string; message: string; file?: string }[];
  warnings: { code: string; message: string; file?: string }[];
};
const unexplained = report.warnings.filter((w) => !KNOWN.some((k) => k.code === w.code && k.file.test(w.file ?? '')));
for (const m of [...report.errors, ...unexplained]) console.log(`${m.code} ${m.file ?? ''}: ${m.message}`);
console.log(
  `web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings (${report.warnings.length - unexplained.length} explained library warnings)`,
);
if (report.errors.length > 0 || unexplained.length > 0) process.exit(1);
