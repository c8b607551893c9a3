/**
 * `npm run bench:cpu`: where each hot route's time goes — the CPU time the platform, the database
 * server and the load generator each spend per request while the route is under load (autocannon,
 * 16 connections), from the processes' own counters (`/proc/<pid>/stat`), next to the bare routes.
 * Less noisy than throughput for comparing two versions of a route on a busy machine: a change that
 * saves a query shows as microseconds saved, whatever the machine's speed that minute. On
 * PostgreSQL the database's time is every `postgres` process of the machine (the benchmark's
 * throw-away cluster: run nothing else). Not a test: CI never runs it.
 *
 * BENCH_STORAGE=postgres (or sqlite), BENCH_PATIENTS=1000, BENCH_SECONDS=5, BENCH_ROUTES=bare,declare
 * (only the routes whose name contains one of these).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPostgres } from '../test/support/postgres.ts';
import { asked, measure, PG_SETTINGS, routes, serve } from './hot-routes.ts';

const STORAGE = process.env.BENCH_STORAGE ?? 'postgres';
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ONLY = process.env.BENCH_ROUTES?.split(',');
const TICK_US = 1e6 / 100; // USER_HZ: 100 ticks a second on Linux

/** User and system CPU ticks of a process (0 once it is gone). */
function ticks(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Per process of the database server, its ticks (its backends come and go: counted by pid). */
function databaseTicks(): Map<string, number> {
  const seen = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') seen.set(pid, ticks(pid));
    } catch {
      // gone meanwhile
    }
  }
  return seen;
}

mkdirSync(resolve('.data'), { recursive: true });
const dir = mkdtempSync(join(resolve('.data'), 'bench-cpu-'));
const cluster = STORAGE === 'postgres' ? await startPostgres({ durable: true, settings: PG_SETTINGS }) : undefined;
if (cluster) await cluster.admin('CREATE DATABASE passerelle');
const rows: string[] = [];
try {
  const { served, pid, stop } = await serve(cluster ? cluster.urlOf('passerelle') : dir, PATIENTS);
  const chosen = routes(served, PATIENTS, STORAGE).filter((r) => !ONLY || ONLY.some((o) => r.name.includes(o)));
  for (const [n, route] of chosen.entries()) {
    // Idempotency keys are printable ASCII without spaces: the run is named by its number.
    await measure(served, route, `warm-${n}`, 1);
    const [platform0, db0, self0] = [ticks(pid), databaseTicks(), process.cpuUsage()];
    const m = await measure(served, route, `cpu-${n}`, SECONDS);
    const [platform1, db1, self1] = [ticks(pid), databaseTicks(), process.cpuUsage(self0)];
    // Backends that ended during the measure took their ticks with them: those that lived through count.
    let database = 0;
    for (const [p, t] of db1) database += t - (db0.get(p) ?? 0);
    const per = (us: number) => Math.round(us / Math.max(m.requests, 1));
    rows.push(
      `| ${STORAGE} | ${route.name} | ${Math.round(m.rps)} | ${per((platform1 - platform0) * TICK_US)} | ` +
        `${cluster ? per(database * TICK_US) : '–'} | ${per(self1.user + self1.system)} | ${m.errors} |`,
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
  `\nCPU per request — ${PATIENTS} patients, autocannon 16 connections, ${SECONDS} s per route (µs of CPU per request)\n`,
);
console.log('| storage | route | req/s | platform µs | database µs | load generator µs | errors |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
process.exit(0);
