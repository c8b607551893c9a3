/**
 * `npm run bench` (third part): the care-circle declaration.
 * 1. Throughput: declarations (join then leave over 200 patients, each a real change: audited,
 *    durable, its answer kept for replays) against a bare authenticated route of the same app that
 *    makes one durable insert — the least a durable declaration can cost — and, for scale, one that
 *    writes nothing; on a data directory on the project's disk; rounds alternate.
 * 2. Click → confirmed: in Chromium, the physician clicks "Je fais partie de l'équipe de soins"
 *    and the panel shows them as a member (loopback platform), joined and left in turn; p50/p95.
 * Not a test: prints numbers for BENCHMARKS.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configFromEnv } from '../server/config.ts';
import { benchApp } from './bench-app.ts';
import { seedDemo } from '../server/demo/index.ts';
import { sql } from 'kysely';
import { INS_OID, insKey } from '../src/core/ins.ts';
import { openDatabase } from '../server/storage/database.ts';
import { inputReady, openDemoPage, startSignedIn } from '../test/e2e/browser.ts';

const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_CIRCLE_REQUESTS ?? 200);
/** Requests in flight in the second measure: a service's clinicians at once. */
const IN_FLIGHT = Number(process.env.BENCH_CIRCLE_IN_FLIGHT ?? 16);
const CLICKS = Number(process.env.BENCH_CIRCLE_CLICKS ?? 20);

async function throughput() {
  mkdirSync(resolve('.data'), { recursive: true });
  const dir = mkdtempSync(join(resolve('.data'), 'bench-circle-'));
  const config = { ...configFromEnv({ DATA_DIR: dir, LOG_LEVEL: 'silent' }) };
  const db = await openDatabase(dir);
  await seedDemo(db);
  const { app, audit, issuer } = await benchApp(db, config, { checkpointEvery: 100 });
  // Synthetic patients (demo INS OID, valid keys) so that circles stay the size of real ones.
  const PATIENTS = 200;
  for (let i = 0; i < PATIENTS; i++) {
    const first13 = `2800175${String(100000 + i).slice(-6)}`;
    await db
      .insertInto('patient')
      .values({
        id: `bench-${i}`,
        ins: first13 + String(insKey(first13)).padStart(2, '0'),
        ins_system: INS_OID.demo,
        identity_status: 'QUAL',
        birth_name: 'BANC',
        given_names: 'ESSAI',
        used_name: null,
        birth_date: '1980-01-01',
        sex: 'female',
        birth_place: null,
      })
      .execute();
  }
  await sql`CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)`.execute(db);
  app.post('/bench/nothing', async () => ({ ok: true }));
  app.post('/bench/durable', async () => {
    await sql`INSERT INTO bench_raw (payload) VALUES (${'x'.repeat(2000)})`.execute(db);
    return { ok: true };
  });
  await app.ready();
  const auth = await issuer.bearer();
  let n = 0;
  const inject = (url: string) =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'idempotency-key': `bench-key-${++n}` } });
  /** `count` calls, `inFlight` at a time (1: one clinician after another). */
  const timeIt = async (count: number, inFlight: number, call: (i: number) => Promise<{ statusCode: number }>) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) {
          const res = await call(next++);
          if (res.statusCode >= 300) throw new Error(`status ${res.statusCode}`);
        }
      }),
    );
    return performance.now() - start;
  };
  const results = [];
  let done = 0;
  for (const inFlight of [1, IN_FLIGHT]) {
    let nothingMs = 0;
    let bareMs = 0;
    let declareMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      nothingMs += await timeIt(PER_ROUND, inFlight, () => inject('/bench/nothing'));
      bareMs += await timeIt(PER_ROUND, inFlight, () => inject('/bench/durable'));
      // Join every patient's circle, then leave them all, and again (a round never holds both
      // changes of one patient: PER_ROUND ≤ PATIENTS).
      const offset = done;
      done += PER_ROUND;
      declareMs += await timeIt(PER_ROUND, inFlight, (j) => {
        const i = offset + j;
        const change = Math.floor(i / PATIENTS) % 2 === 0 ? 'join' : 'leave';
        return inject(`/fhir/Patient/bench-${i % PATIENTS}/$care-team-${change}`);
      });
    }
    const rate = (ms: number) => ((ROUNDS * PER_ROUND) / ms) * 1000;
    results.push({ inFlight, nothing: rate(nothingMs), bare: rate(bareMs), declare: rate(declareMs) });
  }
  await app.close();
  await audit.close();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  return results;
}

async function clickToConfirmed() {
  const { h, close } = await startSignedIn();
  const times: number[] = [];
  try {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    // The panel takes clicks once it has been visible and still for its input-protection delay.
    await inputReady(panel);
    for (let i = 0; i < CLICKS; i++) {
      const button = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
      const start = performance.now();
      await button!.click();
      await panel.waitForSelector('[data-circle="member"]');
      times.push(performance.now() - start);
      await (await panel.waitForSelector('[data-circle-leave]'))!.click();
      await panel.waitForSelector('[data-circle="not-member"]');
    }
    await page.close();
  } finally {
    await close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

const rates = await throughput();
const click = await clickToConfirmed();
const line = (r: (typeof rates)[number]) => `
  ${r.inFlight === 1 ? 'one request at a time' : `${r.inFlight} requests in flight`}
    authenticated route, no write        ${r.nothing.toFixed(0)} req/s
    bare route, one durable insert       ${r.bare.toFixed(0)} req/s
    declare (join / leave, 200 patients) ${r.declare.toFixed(0)} req/s
    declare / bare durable route         ${(r.declare / r.bare).toFixed(2)}   (target ≥ 0.5)`;
console.log(`
Care circle — ${ROUNDS * PER_ROUND} requests each, ${ROUNDS} alternating rounds (durable, audited)${rates.map(line).join('')}
Click → confirmed in the panel, ${CLICKS} clicks, loopback platform
  p50 ${click.p50.toFixed(0)} ms   p95 ${click.p95.toFixed(0)} ms   max ${click.max.toFixed(0)} ms   (target p95 ≤ 100 ms)
`);
process.exit(0);
