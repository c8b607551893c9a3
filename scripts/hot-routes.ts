/**
 * The hot routes as the benchmarks ask them (`bench-routes.ts`: throughput and latency;
 * `bench-cpu.ts`: CPU time per request): the platform served in its own process
 * (`bench-platform.ts`), what each route is asked, one measure under load (autocannon).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { insKey } from '../src/core/ins.ts';

export const CONNECTIONS = 16;
/**
 * The PostgreSQL server set up as a database server would be (docs/scale.md, "Tuning the
 * database"): its memory (the default of 128 MB of shared buffers is for a laptop: with 10⁷ audit
 * entries the indexes leave it, and every insert reads its pages back through the kernel), and the
 * cost of a random read on a disk that has none to pay (SSD, or the data in memory: the default of
 * 4 is a spinning disk's, and made the planner read small tables whole rather than by their index).
 */
export const PG_SETTINGS = [
  'shared_buffers=2GB',
  'random_page_cost=1.1',
  // Its shared memory in huge pages when the machine reserved them (docs/scale.md): on this
  // project's virtual machine the first touch of each 4 KiB page by each backend costs tens of
  // microseconds, more than the query that touched it. BENCH_HUGE_PAGES=off measures without.
  `huge_pages=${process.env.BENCH_HUGE_PAGES ?? 'try'}`,
];

/**
 * Whether PostgreSQL can have its 2 GB of shared buffers in huge pages here, said with the figures
 * (asked before the benchmark's own cluster starts).
 */
export function hugePages(): string {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  // Free and not promised to a server already started: another cluster running takes its share.
  const reserved = ((field('HugePages_Free') - field('HugePages_Rsvd')) * field('Hugepagesize')) / 2 ** 20;
  return process.env.BENCH_HUGE_PAGES === 'off'
    ? 'PostgreSQL without huge pages (BENCH_HUGE_PAGES=off)'
    : reserved >= 2.1
      ? `PostgreSQL in huge pages (${reserved.toFixed(1)} GiB of them free)`
      : `PostgreSQL in 4 KiB pages: ${reserved.toFixed(1)} GiB of huge pages free, 2.1 needed (sysctl vm.nr_hugepages=1100)`;
}
const MEMBERS_OF = 100;
const PHYSICIANS = 200;

export interface Served {
  url: string;
  tokens: string[];
  code: string;
}

/** The bench platform on `db` filled to `patients`, ready when it prints its line (a signal, not a delay). */
export async function serve(db: string, patients: number) {
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
    pid: child.pid!,
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

export type Route = {
  name: string;
  method: 'GET' | 'POST';
  next(i: number): { path: string; auth: number; body?: string };
};

/** What each hot route is asked, request `i` of the run (new pairs where the action is a change). */
export function routes(s: Served, patients: number, storage: string): Route[] {
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

/** Requests asked so far of each route of each platform served (a change is never asked twice). */
export const asked = new Map<string, number>();

/**
 * One route under load for `seconds`, on a database first settled as autovacuum would have it
 * (`/bench/settle`: the tables the previous routes grew are analysed).
 */
export async function measure(s: Served, route: Route, run: string, seconds: number) {
  // Request numbers go on from the warm-up: a change is never asked twice.
  const key = `${s.url} ${route.name}`;
  let i = asked.get(key) ?? 0;
  const settled = await fetch(`${s.url}/bench/settle`, { method: 'POST', headers: { authorization: s.tokens[0]! } });
  if (!settled.ok) throw new Error(`settle: ${settled.status} ${await settled.text()}`);
  const result = await autocannon({
    url: s.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: route.method,
        setupRequest: (req) => {
          const next = route.next(i++);
          asked.set(key, i);
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
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
