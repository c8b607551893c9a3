/**
 * `npm run bench` (fourth part): what the extension's sender-constrained session costs per request.
 * The same audited route (`GET /fhir/Patient?identifier=`, an INS search) on one platform with real
 * sign-in, called over HTTP with the platform session and a fresh DPoP proof each time (session
 * lookup, proof signature, replay check: `server/identity/sessions.ts`), against the same search on
 * a twin platform that reads a plain bearer JWT (what the platform checked before issue 22), and a
 * bare route that checks nothing; one after another, then 16 in flight; rounds alternate.
 * Not a test: prints numbers for BENCHMARKS.md.
 */
import { givenPatient, LEFEVRE } from '../test/support/builders.ts';
import { signInHeadless } from '../test/support/oidc.ts';
import type { AddressInfo } from 'node:net';
import { signInPlatform, testPlatform } from '../test/support/platform.ts';

const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_SESSION_REQUESTS ?? 300);
const IN_FLIGHT = 16;

const platform = await signInPlatform();
const twin = await testPlatform({}, { seed: async (db) => void (await givenPatient(db, LEFEVRE)) });
try {
  await givenPatient(platform.db, LEFEVRE);
  await twin.app.listen({ host: '127.0.0.1', port: 0 });
  const twinUrl = `http://127.0.0.1:${(twin.app.server.address() as AddressInfo).port}`;
  const bearer = await twin.issuer.bearer();
  const bearerSearch = async () => {
    const res = await fetch(`${twinUrl}/fhir/Patient?identifier=${LEFEVRE.ins}`, { headers: bearer });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  };
  const signedIn = await signInHeadless(platform.url, 'f:passerelle-dev:physician');
  const search = async () => {
    const res = await signedIn.call(`/fhir/Patient?identifier=${LEFEVRE.ins}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  };
  const bare = async () => {
    const res = await fetch(`${platform.url}/health`);
    await res.arrayBuffer();
  };
  const timeIt = async (inFlight: number, call: () => Promise<void>) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < PER_ROUND) await call();
      }),
    );
    return performance.now() - start;
  };
  for (const inFlight of [1, IN_FLIGHT]) {
    let bareMs = 0;
    let bearerMs = 0;
    let sessionMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      bareMs += await timeIt(inFlight, bare);
      bearerMs += await timeIt(inFlight, bearerSearch);
      sessionMs += await timeIt(inFlight, search);
    }
    const rate = (ms: number) => Math.round(((ROUNDS * PER_ROUND) / ms) * 1000);
    console.log(
      `session  ${inFlight} in flight: audited INS search, DPoP-bound session ${rate(sessionMs)}/s; ` +
        `with a bearer JWT ${rate(bearerMs)}/s (${(rate(sessionMs) / rate(bearerMs)).toFixed(2)}×); ` +
        `bare route ${rate(bareMs)}/s (${(rate(sessionMs) / rate(bareMs)).toFixed(2)}×)`,
    );
  }
} finally {
  await platform.close();
  await twin.close();
}
