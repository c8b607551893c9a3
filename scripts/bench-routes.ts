/**
 * `npm run bench:routes` (and the last part of `npm run bench`): every hot route of the platform
 * under load (autocannon, 16 connections, in this process; the platform in its own,
 * `scripts/bench-platform.ts`), next to bare routes of the same app on the same database — one
 * that writes nothing (token check only) and one that makes one durable insert the plain way (its
 * own transaction, synced in its commit: the baseline of the ratios); on SQLite also that insert
 * through the platform's connection (answered after its group sync) — on SQLite (a
 * folder on the project's disk) and on PostgreSQL (a throw-away cluster with its disk syncs on),
 * at each size: 10³ … 10⁶ patients with ten audit entries each (to 10⁷). Prints a Markdown table
 * of throughput, p50 / p99 latency and ratios for BENCHMARKS.md (each route warmed up for a second
 * first, then measured in rounds: `measureAll`). Not a test: CI never runs it.
 *
 * BENCH_SIZES=1000,1000000 (patients), BENCH_SECONDS=3 (per route and round), BENCH_ROUNDS=3, BENCH_STORAGES=sqlite,postgres,
 * BENCH_ROUTES=bare,declare (only the routes whose name contains one of these; `bare` names the baselines).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPostgres } from '../test/support/postgres.ts';
import {
  asked,
  CONNECTIONS,
  hugePages,
  measure,
  PG_SETTINGS,
  routes,
  serve,
  type Route,
  type Served,
} from './hot-routes.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORAGES = (process.env.BENCH_STORAGES ?? 'sqlite,postgres').split(',');
const ONLY = process.env.BENCH_ROUTES?.split(',');
/** Measures taken so far (each names its idempotency keys). */
let run = 0;
type Measure = Awaited<ReturnType<typeof measure>>;
type Row = {
  storage: string;
  patients: number;
  route: string;
  ratios: number[];
  rounds: number[];
  /** At the largest size: p99 of the smallest size measured beside it, and the ratio in each round. */
  growth?: { p99: number; ratios: number[]; errors: number };
} & Omit<Measure, 'requests'>;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Forgets what was asked of a platform at this address before (a new platform on a port used before). */
const forget = (s: Served) => {
  for (const key of asked.keys()) if (key.startsWith(`${s.url} `)) asked.delete(key);
};

/** The smallest size, served from a database of its own for the whole run of a storage (see `measureAll`). */
type Paired = { served: Served; routes: Route[] };

/**
 * Each route warmed up for a second (a fresh process: code not yet optimised), then measured in
 * ROUNDS rounds, every route once a round, so that a slow minute of the machine falls on all of
 * them. The baseline, the bare durable insert, is measured before the first route of a round and
 * again after each: a route's ratio in a round is its throughput over the mean of the two
 * baselines measured just before and just after it, seconds apart (the insert's own rate moved by
 * a third between sizes of one run in session 20: a single baseline a round, measured up to 20 s
 * before the last route, carried that drift into the ratios). The table gives the medians.
 * At the largest size each route is also measured on the smallest size's platform just before, in
 * every round: the growth of p99 then compares latencies measured seconds apart, not half an hour
 * apart on a machine whose speed drifts (sessions 13–15: ±30 % within a run).
 */
async function measureAll(s: Served, chosen: Route[], paired?: Paired) {
  const twin = (route: Route) => paired?.routes.find((r) => r.name === route.name);
  for (const route of chosen) {
    const small = twin(route);
    if (small) await measure(paired!.served, small, `warm-${++run}`, 1);
    await measure(s, route, `warm-${++run}`, 1);
  }
  const bare = chosen.find((r) => r.name.includes('durable'));
  const rounds = new Map(chosen.map((r) => [r.name, [] as Measure[]]));
  const smallRounds = new Map(chosen.map((r) => [r.name, [] as Measure[]]));
  const ratios = new Map(chosen.map((r) => [r.name, [] as number[]]));
  const growths = new Map(chosen.map((r) => [r.name, [] as number[]]));
  /** The route, after its twin on the smallest size's platform if paired (their p99s compared). */
  const measureRoute = async (route: Route) => {
    const small = twin(route);
    const sm = small && (await measure(paired!.served, small, String(++run), SECONDS));
    const m = await measure(s, route, String(++run), SECONDS);
    rounds.get(route.name)!.push(m);
    if (sm) {
      smallRounds.get(route.name)!.push(sm);
      growths.get(route.name)!.push(m.p99 / Math.max(sm.p99, 1));
    }
    return m;
  };
  for (let round = 0; round < ROUNDS; round++) {
    let before = bare && (await measureRoute(bare));
    if (before) ratios.get(bare!.name)!.push(1);
    for (const route of chosen.filter((r) => r !== bare)) {
      const m = await measureRoute(route);
      if (!bare || !before) continue;
      // The baseline after this route (the next route's before): not paired again with the smallest size.
      const after = await measure(s, bare, String(++run), SECONDS);
      rounds.get(bare.name)!.push(after);
      ratios.get(route.name)!.push(m.rps / ((before.rps + after.rps) / 2));
      before = after;
    }
  }
  return chosen.map((route) => {
    const of = rounds.get(route.name)!;
    const smallOf = smallRounds.get(route.name)!;
    return {
      route: route.name,
      rps: median(of.map((m) => m.rps)),
      rounds: of.map((m) => m.rps),
      p50: median(of.map((m) => m.p50)),
      p99: median(of.map((m) => m.p99)),
      errors: of.reduce((n, m) => n + m.errors, 0),
      ratios: ratios.get(route.name)!,
      ...(smallOf.length > 0
        ? {
            growth: {
              p99: median(smallOf.map((m) => m.p99)),
              ratios: growths.get(route.name)!,
              errors: smallOf.reduce((n, m) => n + m.errors, 0),
            },
          }
        : {}),
    };
  });
}
const huge = hugePages();
const rows: Row[] = [];
for (const storage of STORAGES) {
  mkdirSync(resolve('.data'), { recursive: true });
  const dir = mkdtempSync(join(resolve('.data'), 'bench-routes-'));
  const cluster = storage === 'postgres' ? await startPostgres({ durable: true, settings: PG_SETTINGS }) : undefined;
  if (cluster) await cluster.admin('CREATE DATABASE passerelle');
  if (cluster) await cluster.admin('CREATE DATABASE passerelle_smallest');
  const db = cluster ? cluster.urlOf('passerelle') : join(dir, 'sizes');
  const smallestDb = cluster ? cluster.urlOf('passerelle_smallest') : join(dir, 'smallest');
  const only = (r: Route) => !ONLY || ONLY.some((o) => r.name.includes(o));
  // The smallest size a second time, on its own database, measured beside the largest.
  const smallest = SIZES.length > 1 ? await serve(smallestDb, SIZES[0]!) : undefined;
  try {
    for (const patients of SIZES) {
      const t0 = performance.now();
      const { served, stop } = await serve(db, patients);
      forget(served);
      console.error(`${storage} ${patients} patients: ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const chosen = routes(served, patients, storage).filter(only);
      const paired =
        smallest && patients === SIZES.at(-1)
          ? { served: smallest.served, routes: routes(smallest.served, SIZES[0]!, storage).filter(only) }
          : undefined;
      for (const r of await measureAll(served, chosen, paired)) {
        rows.push({ storage, patients, ...r });
        console.error(
          `  ${r.route}: ${r.rounds.map((x) => x.toFixed(0)).join(' ')} req/s, p50 ${r.p50} ms p99 ${r.p99} ms, ratios ${r.ratios.map((x) => x.toFixed(2)).join(' ')}, errors ${r.errors}` +
            (r.growth ? `, p99 at ${SIZES[0]} beside it ${r.growth.p99} ms (errors ${r.growth.errors})` : ''),
        );
      }
      await stop();
    }
  } finally {
    await smallest?.stop();
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 }).replaceAll(',', ' ');
console.log(
  `\nHot routes — autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per route, medians; ratio: throughput / mean of the bare durable inserts measured just before and just after it (median of the rounds, lowest–highest)` +
    (STORAGES.includes('postgres') ? `; ${huge}` : '') +
    '\n',
);
console.log('| storage | patients | audit entries | route | req/s | p50 ms | p99 ms | / bare insert | errors |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const ratio =
    r.ratios.length === 0
      ? '–'
      : `${median(r.ratios).toFixed(2)} (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})`;
  console.log(
    `| ${r.storage} | ${fmt(r.patients)} | ${fmt(r.patients * 10)} | ${r.route} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${ratio} | ${r.errors} |`,
  );
}
console.log(
  '\nGrowth of p99 from the smallest to the largest size (target ≤ 1.5×): both measured in the same rounds, ' +
    'the smallest on a platform of its own beside the largest; growth: median of the rounds’ ratios (lowest–highest)\n',
);
console.log('| storage | route | p99 smallest | p99 largest | growth | errors at the smallest |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows.filter((row) => row.growth)) {
  const { p99, ratios, errors } = r.growth!;
  console.log(
    `| ${r.storage} | ${r.route} | ${p99} | ${r.p99} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${errors} |`,
  );
}
process.exit(0);
