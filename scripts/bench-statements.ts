/**
 * `npm run bench:statements`: what each hot route asks PostgreSQL while it is under load
 * (autocannon, 16 connections) — per request, the statements sent (`BEGIN` and `COMMIT` included:
 * on this machine each costs PostgreSQL more in protocol and wake-ups than most statements'
 * execution; a batch's statements sent together, `flight.ts`, share their round trips), each
 * statement's calls, execution time, plans and WAL written (`pg_stat_statements`; the most frequent
 * first), and the tables read whole meanwhile (`pg_stat_user_tables`:
 * a plan made on a small table that the load then grows shows here). The platform is served
 * anew for each route on the same filled database, so that its connections' statistics are
 * flushed when they close. A measurement: CI never runs it.
 *
 * BENCH_PATIENTS=1000, BENCH_SECONDS=5, BENCH_ROUTES=declare,summary (only the routes whose name
 * contains one of these; all hot routes by default).
 */
import pg from 'pg';
import { startPostgres } from '../test/support/postgres.ts';
import { hugePages, measure, PG_SETTINGS, routes, serve } from './hot-routes.ts';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ONLY = process.env.BENCH_ROUTES?.split(',');

const huge = hugePages();
const cluster = await startPostgres({
  durable: true,
  settings: [...PG_SETTINGS, 'shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on'],
});
try {
  await cluster.admin('CREATE DATABASE passerelle');
  const url = cluster.urlOf('passerelle');
  const stats = new pg.Client({ connectionString: url });
  await stats.connect();
  await stats.query('CREATE EXTENSION pg_stat_statements');
  // Filled once; each route then serves on it (a platform finds its fill there).
  const first = await serve(url, PATIENTS);
  const chosen = routes(first.served, PATIENTS, 'postgres').filter(
    (r) => !r.name.startsWith('bare') && (!ONLY || ONLY.some((o) => r.name.includes(o))),
  );
  await first.stop();
  const largest = await stats.query(
    `SELECT relname, pg_relation_size(c.oid) AS bytes FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
     WHERE c.relkind IN ('r', 'i') ORDER BY 2 DESC LIMIT 12`,
  );
  console.log(`\n${huge}`);
  console.log(
    `largest relations: ${largest.rows.map((r) => `${r.relname} ${Math.round(r.bytes / 2 ** 20)} MB`).join(', ')}`,
  );
  for (const [n, pick] of chosen.entries()) {
    const { served, stop } = await serve(url, PATIENTS);
    const route = routes(served, PATIENTS, 'postgres').find((r) => r.name === pick.name)!;
    await measure(served, route, `warm-${n}`, 1);
    await stats.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
    const { requests } = await measure(served, route, `statements-${n}`, SECONDS);
    // The platform's connections close with it: their table statistics are flushed then.
    await stop();
    const per = (v: number) => (v / Math.max(requests, 1)).toFixed(2);
    const µs = (ms: number) => Math.round((1000 * ms) / Math.max(requests, 1));
    const statements = await stats.query(
      `SELECT calls, plans, total_exec_time, total_plan_time, wal_bytes, shared_blks_hit + shared_blks_read AS blocks, shared_blks_read AS misses,
         left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS text
       FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC, total_exec_time DESC LIMIT 14`,
    );
    const sent = await stats.query<{ calls: string }>(
      `SELECT sum(calls) AS calls FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%'`,
    );
    const tables = await stats.query(
      `SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables
       WHERE seq_scan > 0 ORDER BY seq_tup_read DESC LIMIT 6`,
    );
    console.log(`\n${route.name} — ${requests} requests, ${PATIENTS} patients`);
    console.log(`statements sent per request: ${per(Number(sent.rows[0]!.calls))}\n`);
    console.log(
      '| per request | exec µs | plan µs | plans per call | WAL bytes | blocks per call | of them not in shared buffers | statement |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of statements.rows) {
      console.log(
        `| ${per(s.calls)} | ${µs(s.total_exec_time)} | ${µs(s.total_plan_time)} | ${(s.plans / s.calls).toFixed(2)} | ` +
          `${Math.round(Number(s.wal_bytes) / Math.max(requests, 1))} | ${(Number(s.blocks) / s.calls).toFixed(1)} | ` +
          `${(Number(s.misses) / s.calls).toFixed(1)} | \`${s.text}\` |`,
      );
    }
    console.log('');
    for (const t of tables.rows) {
      console.log(
        `- read whole: ${t.relname}, ${per(t.seq_scan)} times a request, ${per(t.seq_tup_read)} rows a request`,
      );
    }
  }
  await stats.end();
} finally {
  await cluster.close();
}
process.exit(0);
