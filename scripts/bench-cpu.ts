/**
 * `npm run bench:cpu`: where each hot route's time goes — the CPU time the platform, the database
 * server and the load generator each spend per request while the route is under load (autocannon,
 * 16 connections), from the processes' own counters (`/proc/<pid>/stat`), next to the bare routes;
 * of the platform's, its main thread's (the event loop: on SQLite, where a route's limit is).
 * Also the minor page faults each takes per request (on a virtual machine a fault can cost more
 * than a query: docs/scale.md, "Tuning the database"). Less noisy than throughput for comparing
 * two versions of a route on a busy machine: a change that saves a query shows as microseconds
 * saved, whatever the machine's speed that minute. On
 * PostgreSQL the database's time is every `postgres` process of the machine (the benchmark's
 * throw-away cluster: run nothing else). Not a test: CI never runs it.
 *
 * BENCH_STORAGE=postgres (or sqlite), BENCH_PATIENTS=1000, BENCH_SECONDS=5, BENCH_ROUTES=bare,declare
 * (only the routes whose name contains one of these).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPostgres } from '../test/support/postgres.ts';
import { asked, hugePages, measure, PG_SETTINGS, routes, serve } from './hot-routes.ts';

const STORAGE = process.env.BENCH_STORAGE ?? 'postgres';
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ONLY = process.env.BENCH_ROUTES?.split(',');
const TICK_US = 1e6 / 100; // USER_HZ: 100 ticks a second on Linux

/** User and system CPU ticks of a process, and its minor page faults (0 once it is gone). */
function usage(pid: number | string): { ticks: number; faults: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), faults: Number(fields[7]) };
  } catch {
    return { ticks: 0, faults: 0 };
  }
}

/** Per process of the database server, its usage (its backends come and go: counted by pid). */
function databaseUsage(): Map<string, ReturnType<typeof usage>> {
  const seen = new Map<string, ReturnType<typeof usage>>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') seen.set(pid, usage(pid));
    } catch {
      // gone meanwhile
    }
  }
  return seen;
}

mkdirSync(resolve('.data'), { recursive: true });
const dir = mkdtempSync(join(resolve('.data'), 'bench-cpu-'));
const huge = hugePages();
const cluster = STORAGE === 'postgres' ? await startPostgres({ durable: true, settings: PG_SETTINGS }) : undefined;
if (cluster) await cluster.admin('CREATE DATABASE passerelle');
const rows: string[] = [];
try {
  const { served, pid, stop } = await serve(cluster ? cluster.urlOf('passerelle') : dir, PATIENTS);
  const chosen = routes(served, PATIENTS, STORAGE).filter((r) => !ONLY || ONLY.some((o) => r.name.includes(o)));
  for (const [n, route] of chosen.entries()) {
    // Idempotency keys are printable ASCII without spaces: the run is named by its number.
    await measure(served, route, `warm-${n}`, 1);
    // The platform, its main thread (the event loop), the database's processes, this process (autocannon).
    const sample = (since?: NodeJS.CpuUsage) =>
      [usage(pid), usage(`${pid}/task/${pid}`), databaseUsage(), process.cpuUsage(since)] as const;
    const [platform0, loop0, db0, self0] = sample();
    const m = await measure(served, route, `cpu-${n}`, SECONDS);
    const [platform1, loop1, db1, self1] = sample(self0);
    // Backends that ended during the measure took their ticks with them: those that lived through count.
    const database = { ticks: 0, faults: 0 };
    for (const [p, u] of db1) {
      database.ticks += u.ticks - (db0.get(p)?.ticks ?? 0);
      database.faults += u.faults - (db0.get(p)?.faults ?? 0);
    }
    const per = (v: number) => (v / Math.max(m.requests, 1)).toFixed(v < 10 * m.requests ? 1 : 0);
    rows.push(
      `| ${STORAGE} | ${route.name} | ${Math.round(m.rps)} | ${per((platform1.ticks - platform0.ticks) * TICK_US)} | ` +
        `${per((loop1.ticks - loop0.ticks) * TICK_US)} | ` +
        `${cluster ? per(database.ticks * TICK_US) : '–'} | ${per(self1.user + self1.system)} | ` +
        `${per(platform1.faults - platform0.faults)} | ${cluster ? per(database.faults) : '–'} | ${m.errors} |`,
    );
    console.error(rows.at(-1));
  }
  asked.clear();
  await stop();
} finally {
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nCPU per request — ${PATIENTS} patients, autocannon 16 connections, ${SECONDS} s per route (µs of CPU per request)` +
    (cluster ? `; ${huge}` : '') +
    '\n',
);
console.log(
  '| storage | route | req/s | platform µs | of them, its event loop | database µs | load generator µs | platform page faults | database page faults | errors |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
process.exit(0);
