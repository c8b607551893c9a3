/**
 * `npm run bench` (third part): the care-circle declaration.
 * 1. Throughput: declarations (join then leave, each a real change: audited, durable) against a
 *    bare authenticated route of the same app that does nothing, on a data directory on the
 *    project's disk; rounds alternate to share the machine's noise.
 * 2. Click → confirmed: in Chromium, the physician clicks "Je fais partie de l'équipe de soins"
 *    and the panel shows them as a member (loopback platform), joined and left in turn; p50/p95.
 * Not a test: prints numbers for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from '../server/app.ts';
import { openAuditLog } from '../server/audit/log.ts';
import { loadSigner } from '../server/audit/signer.ts';
import { configFromEnv } from '../server/config.ts';
import { seedDemo } from '../server/demo/patients.ts';
import { openDatabase } from '../server/storage/database.ts';
import { testIssuer } from '../test/support/tokens.ts';
import { openDemoPage, startSignedIn } from '../test/e2e/browser.ts';

const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_CIRCLE_REQUESTS ?? 200);
const CLICKS = Number(process.env.BENCH_CIRCLE_CLICKS ?? 20);

async function throughput() {
  const dir = mkdtempSync(join(resolve('.data'), 'bench-circle-'));
  const config = { ...configFromEnv({ DATA_DIR: dir, LOG_LEVEL: 'silent' }) };
  const db = await openDatabase(dir);
  await seedDemo(db);
  const issuer = await testIssuer();
  const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 100 });
  const app = buildApp({
    audit,
    db,
    config,
    logger: pino({ level: 'silent' }) as FastifyBaseLogger,
    verify: issuer.verify,
  });
  app.post('/bench/bare', async () => ({ ok: true }));
  await app.ready();
  const auth = await issuer.bearer();
  let n = 0;
  const inject = (url: string) =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'idempotency-key': `bench-key-${++n}` } });
  const timeIt = async (count: number, call: (i: number) => Promise<{ statusCode: number }>) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const res = await call(i);
      if (res.statusCode >= 300) throw new Error(`status ${res.statusCode}`);
    }
    return performance.now() - start;
  };
  let bareMs = 0;
  let declareMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bareMs += await timeIt(PER_ROUND, () => inject('/bench/bare'));
    declareMs += await timeIt(PER_ROUND, (i) =>
      inject(`/fhir/Patient/demo-girard/$care-team-${i % 2 === 0 ? 'join' : 'leave'}`),
    );
  }
  await app.close();
  await audit.close();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  const total = ROUNDS * PER_ROUND;
  return { total, bare: (total / bareMs) * 1000, declare: (total / declareMs) * 1000 };
}

async function clickToConfirmed() {
  const { h, close } = await startSignedIn();
  const times: number[] = [];
  try {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
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
console.log(`
Care circle — ${rates.total} requests each, ${ROUNDS} alternating rounds (durable, audited)
  bare authenticated route   ${rates.bare.toFixed(0)} req/s
  declare (join / leave)     ${rates.declare.toFixed(0)} req/s
  declare / bare throughput  ${(rates.declare / rates.bare).toFixed(2)}   (target ≥ 0.5)
Click → confirmed in the panel, ${CLICKS} clicks, loopback platform
  p50 ${click.p50.toFixed(0)} ms   p95 ${click.p95.toFixed(0)} ms   max ${click.max.toFixed(0)} ms   (target p95 ≤ 100 ms)
`);
process.exit(0);
