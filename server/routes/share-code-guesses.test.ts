/**
 * Wrong share codes (issue 7): counted against the professional who gives them, against the code
 * only once several professionals did (so no one alone can lock a code its holder is about to use),
 * and against the address only for those who guessed wrong from it; brute force at full speed.
 */
import { describe, expect, it } from 'vitest';
import { formatCode, newCode } from '../../src/core/share-code.ts';
import { outcomeText as text } from '../../test/support/http.ts';
import { testPlatform } from '../../test/support/platform.ts';
import {
  colleague,
  givenExams,
  secretariat,
  shareCodeDefaults as defaults,
  shareCodePlatform,
  wrongSecret,
} from '../../test/support/share-codes.ts';
import type { MintOptions } from '../../test/support/tokens.ts';
import { DEMO_SECRETARIAT } from '../identity/dev-professionals.ts';

const fixture = shareCodePlatform();
const { call, issue, redeem, count } = fixture;

describe('wrong codes', () => {
  it('one professional’s wrong guesses never lock a code its holder is about to use', async () => {
    const { code } = await issue('exam-girard-mri');
    const attacker = colleague(2);
    // The attacker knows the locator (first group) and tries secrets: each answer counts down
    // *their own* attempts before a pause, not the code's.
    for (const left of [9, 8, 7, 6, 5]) {
      const res = await redeem(wrongSecret(code), attacker);
      expect(res.statusCode).toBe(404);
      expect(res.headers['remaining-attempts']).toBe(String(left));
      expect(text(res)).toBe(
        `Code erroné ou inconnu : vérifiez-le auprès du patient. Il vous reste ${left} essais avant une pause de 15 minutes.`,
      );
    }
    // The prescriber who holds the code opens the exam.
    expect((await redeem(code, colleague(4))).statusCode).toBe(200);
  });
  it('locks a code once wrong guesses for it came from several professionals', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const listed = async () =>
      (await call('GET', '/share/exams', secretariat))
        .json()
        .flatMap((e: { codes: { id: string }[] }) => e.codes)
        .find((c: { id: string }) => c.id === id);
    for (const n of [11, 12]) expect((await redeem(wrongSecret(code), colleague(n))).statusCode).toBe(404);
    expect(await listed()).toMatchObject({ id, status: 'active' });
    await redeem(wrongSecret(code), colleague(13));
    expect(await listed()).toMatchObject({
      id,
      status: 'locked',
      wrongAttempts: 3,
    });
    const right = await redeem(code, colleague(14));
    expect(right.statusCode).toBe(410);
    expect(text(right)).toBe(
      'Ce code est bloqué après des essais erronés de plusieurs professionnels. Demandez un nouveau code au secrétariat d’imagerie.',
    );
  });
  it('answers a guess at a live locator exactly as one at a locator that names no code', async () => {
    const { code } = await issue('exam-girard-mri');
    const live = await redeem(wrongSecret(code), colleague(15));
    let dead = formatCode(newCode());
    while (dead.slice(0, 4) === code.slice(0, 4)) dead = formatCode(newCode());
    const none = await redeem(dead, colleague(16));
    expect([none.statusCode, text(none), none.headers['remaining-attempts']]).toEqual([
      live.statusCode,
      text(live),
      live.headers['remaining-attempts'],
    ]);
    expect(Object.keys(none.headers).sort()).toEqual(Object.keys(live.headers).sort());
  });
  it('serialises parallel attempts: 20 wrong ones at once lock the code at exactly the third professional', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(wrongSecret(code), colleague(100 + i))),
    );
    expect(new Set(results.map((r) => r.statusCode))).toEqual(new Set([404]));
    expect(new Set(results.map((r) => r.headers['remaining-attempts']))).toEqual(new Set(['9']));
    const row = await fixture.platform.db
      .selectFrom('share_code')
      .select(['wrong_attempts', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // Serialised: exactly three counted against it, the third locking it (later guesses meet a locked code).
    expect(row).toEqual({ wrong_attempts: 3, status: 'locked' });
  });
  it('throttles a professional who gives too many wrong codes, with the same answer whatever the code', async () => {
    const { code } = await issue();
    const as = colleague(8);
    for (let i = 0; i < 10; i++) expect((await redeem(formatCode(newCode()), as)).statusCode).toBe(404);
    const blocked = await redeem(code, as);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(text(blocked)).toBe('Trop de codes erronés : réessayez dans 15 minutes.');
    expect(text(await redeem(formatCode(newCode()), as))).toBe(text(blocked));
    // Another professional is not held back; the first one is again after the window.
    expect((await redeem(code, colleague(9))).statusCode).toBe(200);
    fixture.advance(16 * 60_000);
    expect((await redeem(code, as)).statusCode).toBe(200);
  });
});

describe('behind the hospital’s reverse proxy', () => {
  it('holds back those who guessed wrong from a busy address, never a colleague with the right code', async () => {
    const behind = await testPlatform(
      {
        trustProxy: ['127.0.0.1'],
        shareCodes: { ...defaults, issuers: [DEMO_SECRETARIAT], perAddress: 2, perProfessional: 100 },
      },
      { seed: givenExams },
    );
    const redeemFrom = async (address: string, as: MintOptions, code: string) =>
      (
        await behind.app.inject({
          method: 'POST',
          url: '/fhir/$redeem-share-code',
          headers: {
            ...(await behind.issuer.bearer(as)),
            'content-type': 'application/json',
            'x-forwarded-for': address,
          },
          payload: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'code', valueString: code }] }),
        })
      ).statusCode;
    const guess = () => formatCode(newCode());
    const hospital = '10.1.1.1';
    // Two wrong codes from the hospital's address: its count is reached.
    expect([
      await redeemFrom(hospital, colleague(401), guess()),
      await redeemFrom(hospital, colleague(402), guess()),
    ]).toEqual([404, 404]);
    // Those who guessed wrong from it are held back, whatever they type…
    expect(await redeemFrom(hospital, colleague(401), guess())).toBe(429);
    // …a colleague behind the same proxy with the code the patient gave is not.
    const issued = await behind.app.inject({
      method: 'POST',
      url: '/share/exams/exam-lefevre-ct/codes',
      headers: { ...(await behind.issuer.bearer(secretariat)), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(await redeemFrom(hospital, colleague(403), issued.json().code)).toBe(200);
    // Another address is counted apart.
    expect(await redeemFrom('10.2.2.2', colleague(404), guess())).toBe(404);
    await behind.close();
  });
});

describe('brute force', () => {
  it('fires wrong codes at full speed for a bounded time: no redemption, the code locked, the attackers throttled', async () => {
    const { id, code } = await issue('exam-girard-mri');
    const accessBefore = await count('exam_access');
    const until = performance.now() + 1500;
    const statuses: number[] = [];
    // Eight attackers at once, each a professional with a valid token: half know the code's
    // locator (the worst case), half guess whole codes.
    await Promise.all(
      Array.from({ length: 8 }, async (_, a) => {
        while (performance.now() < until) {
          const guess = a % 2 === 0 ? wrongSecret(code) : formatCode(newCode());
          statuses.push((await redeem(guess, colleague(200 + a))).statusCode);
        }
      }),
    );
    expect(statuses.length).toBeGreaterThan(80);
    expect(statuses).not.toContain(200);
    expect(new Set(statuses)).toEqual(new Set([404, 429]));
    expect(await count('exam_access')).toBe(accessBefore);
    const row = await fixture.platform.db
      .selectFrom('share_code')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('locked');
    // Once locked, even the right code no longer opens it.
    expect((await redeem(code, colleague(300))).statusCode).toBe(410);
  });
});
