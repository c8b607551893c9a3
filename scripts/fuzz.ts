/**
 * `npm run fuzz [-- --runs N] [-- --seed S]`: malformed requests across every route of the platform
 * (`test/support/fuzz.ts`); prints the figures recorded in BENCHMARKS.md and fails on any 5xx, any
 * refusal that is not an OperationOutcome, or an audit chain that no longer verifies.
 */
import { parseArgs } from 'node:util';
import { fuzzPlatform } from '../test/support/fuzz.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const started = performance.now();
const figures = await fuzzPlatform({ runs, seed });
const seconds = (performance.now() - started) / 1000;
const count = (test: (status: number) => boolean) =>
  Object.entries(figures.byStatus)
    .filter(([status]) => test(Number(status)))
    .reduce((sum, [, n]) => sum + n, 0);
console.log(`seed ${seed}: ${figures.requests} requests over ${figures.routes} routes in ${seconds.toFixed(1)} s`);
console.log(
  `2xx/3xx ${count((s) => s < 400)}, 4xx ${count((s) => s >= 400 && s < 500)}, 5xx ${count((s) => s >= 500)}`,
);
console.log(`by status: ${JSON.stringify(figures.byStatus)}`);
console.log(`audit chain verifies after the run: ${figures.chainVerified ? 'yes' : 'NO'}`);
for (const f of figures.failures.slice(0, 20)) console.log(`FAILED ${f.status} ${f.method} ${f.url}\n  ${f.body}`);
if (figures.failures.length > 0 || !figures.chainVerified) process.exit(1);
