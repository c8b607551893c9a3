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
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { insKey } from '../src/core/ins.ts';
import { startPostgres } from '../test/support/postgres.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORAGES = (process.env.BENCH_STORAGES ?? 'sqlite,postgres').split(',');
const ONLY = process.env.BENCH_ROUTES?.split(',');
const CONNECTIONS = 16;
/**
 * The PostgreSQL server's memory, as a database server would be given (its default of 128 MB of
 * shared buffers is for a laptop: with 10⁷ audit entries the indexes leave it, and every insert
 * reads its pages back through the kernel).
 */
const PG_SETTINGS = ['shared_buffers=2GB'];
const MEMBERS_OF = 100;
const PHYSICIANS = 200;

interface Served {
  url: string;
  tokens: string[];
  code: string;
}

/** The bench platform on `db` filled to `patients`, ready when it prints its line (a signal, not a delay). */
async function serve(db: string, patients: number) {
  const child = spawn(process.execPath, ['scripts/bench-platform.ts'], {
    env: { ...process.env, BENCH_DB: db, BENCH_PATIENTS: String(patients) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<never>((_r, reject) =>
    child.once('exit', (c) => reject(new Error(`platform exited ${c}`))),
  );
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) return JSON.parse(line) as Served;
    throw new Error('no line');
  })();
  const served = await Promise.race([ready, exited]);
  return {
    served,
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

const ins = (g: number) => {
  const first13 = String(2800175000000 + g);
  return first13 + String(insKey(first13)).padStart(2, '0');
};

type Route = { name: string; method: 'GET' | 'POST'; next(i: number): { path: string; auth: number; body?: string } };

/** What each hot route is asked, request `i` of the run (new pairs where the action is a change). */
function routes(s: Served, patients: number, storage: string): Route[] {
  const params = (parameter: object[]) => JSON.stringify({ resourceType: 'Parameters', parameter });
  const random = (n: number) => Math.floor(Math.random() * n);
  return [
    { name: 'bare route, no write', method: 'GET', next: () => ({ path: '/bench/nothing', auth: 0 }) },
    { name: 'bare route, one durable insert', method: 'POST', next: () => ({ path: '/bench/durable', auth: 0 }) },
    // SQLite: the same insert through the platform's connection, answered after its group sync.
    ...(storage === 'sqlite'
      ? [
          {
            name: 'bare route, one insert, group sync',
            method: 'POST' as const,
            next: () => ({ path: '/bench/grouped', auth: 0 }),
          },
        ]
      : []),
    {
      name: 'patient lookup (INS)',
      method: 'GET',
      next: () => ({ path: `/fhir/Patient?identifier=${ins(random(patients))}`, auth: random(PHYSICIANS) }),
    },
    {
      // Each request a new physician–patient pair: a real change each time.
      name: 'declare (care-team join)',
      method: 'POST',
      // Patients in turn, a new physician each pass: circles grow by one member a pass, as in life.
      next: (i) => ({
        path: `/fhir/Patient/bench-${i % patients}/$care-team-join`,
        auth: Math.floor(i / patients) % PHYSICIANS,
      }),
    },
    {
      name: 'redeem share code',
      method: 'POST',
      next: (i) => ({
        path: '/fhir/$redeem-share-code',
        auth: i % PHYSICIANS,
        body: params([{ name: 'code', valueString: s.code }]),
      }),
    },
    {
      name: 'record summary',
      method: 'GET',
      next: () => ({ path: `/fhir/Patient/bench-${random(MEMBERS_OF)}/$summary`, auth: 0 }),
    },
    {
      name: 'document read',
      method: 'GET',
      next: () => ({ path: `/fhir/Binary/bench-${random(MEMBERS_OF)}-doc-${1 + random(3)}`, auth: 0 }),
    },
    {
      // Physicians outside the circles, each request a new pair: a session, its entry, the notice.
      name: 'break-glass start',
      method: 'POST',
      next: (i) => ({
        path: `/fhir/Patient/bench-${MEMBERS_OF + (i % (patients - MEMBERS_OF))}/$break-glass`,
        auth: PHYSICIANS / 2 + (Math.floor(i / (patients - MEMBERS_OF)) % (PHYSICIANS / 2)),
        body: params([
          { name: 'mode', valueCode: 'bris_de_glace' },
          { name: 'reason', valueCode: 'patient-hors-etat' },
          { name: 'text', valueString: 'Patient inconscient aux urgences, traitement en cours inconnu' },
        ]),
      }),
    },
  ];
}

async function measure(s: Served, route: Route, run: string, seconds: number) {
  // Request numbers go on from the warm-up: a change is never asked twice.
  let i = asked.get(route.name) ?? 0;
  const result = await autocannon({
    url: s.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: route.method,
        setupRequest: (req) => {
          const next = route.next(i++);
          asked.set(route.name, i);
          return {
            ...req,
            path: next.path,
            headers: {
              authorization: s.tokens[next.auth]!,
              'idempotency-key': `bench-${run}-${i}`,
              ...(next.body ? { 'content-type': 'application/fhir+json' } : {}),
            },
            ...(next.body ? { body: next.body } : {}),
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** Requests asked so far of each route in this process's current platform. */
const asked = new Map<string, number>();
/** Measures taken so far (each names its idempotency keys). */
let run = 0;
type Measure = Awaited<ReturnType<typeof measure>>;
type Row = { storage: string; patients: number; route: string; ratios: number[]; rounds: number[] } & Measure;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Each route warmed up for a second (a fresh process: code not yet optimised), then measured in
 * ROUNDS rounds, every route once a round, so that a slow minute of the machine falls on all of
 * them: the ratio of a round pairs measures taken seconds apart; the table gives the medians.
 */
async function measureAll(s: Served, chosen: Route[]) {
  for (const route of chosen) await measure(s, route, `warm-${++run}`, 1);
  const rounds = new Map(chosen.map((r) => [r.name, [] as Measure[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const route of chosen) rounds.get(route.name)!.push(await measure(s, route, String(++run), SECONDS));
  }
  const bare = chosen.find((r) => r.name.includes('durable'));
  return chosen.map((route) => {
    const of = rounds.get(route.name)!;
    return {
      route: route.name,
      rps: median(of.map((m) => m.rps)),
      rounds: of.map((m) => m.rps),
      p50: median(of.map((m) => m.p50)),
      p99: median(of.map((m) => m.p99)),
      errors: of.reduce((n, m) => n + m.errors, 0),
      ratios: bare ? of.map((m, i) => m.rps / rounds.get(bare.name)![i]!.rps) : [],
    };
  });
}
const rows: Row[] = [];
for (const storage of STORAGES) {
  mkdirSync(resolve('.data'), { recursive: true });
  const dir = mkdtempSync(join(resolve('.data'), 'bench-routes-'));
  const cluster = storage === 'postgres' ? await startPostgres({ durable: true, settings: PG_SETTINGS }) : undefined;
  if (cluster) await cluster.admin('CREATE DATABASE passerelle');
  const db = cluster ? cluster.urlOf('passerelle') : dir;
  try {
    for (const patients of SIZES) {
      const t0 = performance.now();
      const { served, stop } = await serve(db, patients);
      asked.clear();
      console.error(`${storage} ${patients} patients: ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const chosen = routes(served, patients, storage).filter((r) => !ONLY || ONLY.some((o) => r.name.includes(o)));
      for (const r of await measureAll(served, chosen)) {
        rows.push({ storage, patients, ...r });
        console.error(
          `  ${r.route}: ${r.rounds.map((x) => x.toFixed(0)).join(' ')} req/s, p50 ${r.p50} ms p99 ${r.p99} ms, ratios ${r.ratios.map((x) => x.toFixed(2)).join(' ')}, errors ${r.errors}`,
        );
      }
      await stop();
    }
  } finally {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 }).replaceAll(',', ' ');
console.log(
  `\nHot routes — autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per route, medians; ratio: throughput / bare durable insert in the same round (median, lowest–highest)\n`,
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
console.log('\nGrowth of p99 from the smallest to the largest size (target ≤ 1.5×)\n');
console.log('| storage | route | p99 smallest | p99 largest | growth |');
console.log('| --- | --- | --- | --- | --- |');
for (const storage of STORAGES) {
  for (const name of new Set(rows.map((r) => r.route))) {
    const of = rows.filter((r) => r.storage === storage && r.route === name);
    if (of.length < 2) continue;
    const [first, last] = [of[0]!, of.at(-1)!];
    console.log(
      `| ${storage} | ${name} | ${first.p99} | ${last.p99} | ${(last.p99 / Math.max(first.p99, 1)).toFixed(2)} |`,
    );
  }
}
process.exit(0);
