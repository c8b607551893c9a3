import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEFEVRE, givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { confirmIdentity, lookupPatient } from './platform-client.ts';

let platform: TestPlatform;
let baseUrl: string;
let accessToken: string;
beforeAll(async () => {
  platform = await testPlatform(
    {},
    {
      seed: async (db) => void (await givenPatient(db, LEFEVRE)),
    },
  );
  baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  accessToken = await platform.issuer.mint();
});
afterAll(() => platform.close());

describe('platform client against the real platform', () => {
  it('finds a patient and maps its strict traits', async () => {
    expect(await lookupPatient('2 55 08 14 168 025 38', { baseUrl, accessToken })).toEqual({
      status: 'found',
      patient: {
        id: 'lefevre',
        ins: '255081416802538',
        insKind: 'test',
        birthName: 'LEFÈVRE',
        givenNames: 'MARIE CLAIRE',
        birthDate: '1955-08-14',
        sex: 'female',
        birthPlace: '14168',
      },
    });
  });

  it('tells unknown and wrong-key INS apart, without a network call for the wrong key', async () => {
    expect(await lookupPatient('185057511234512', { baseUrl: 'http://127.0.0.1:1', accessToken })).toEqual({
      status: 'invalid-ins',
      reason: 'key',
    });
    expect(await lookupPatient('12345', { baseUrl, accessToken })).toEqual({ status: 'invalid-ins', reason: 'format' });
    const unknown = '1850575112345' + String(97 - Number(1850575112345n % 97n)).padStart(2, '0');
    expect(await lookupPatient(unknown, { baseUrl, accessToken })).toEqual({ status: 'unknown' });
  });
});

describe('platform client and identity', () => {
  it('asks nothing of the platform when signed out', async () => {
    const fetch = vi.fn(globalThis.fetch);
    expect(await lookupPatient('255081416802538', { baseUrl, accessToken: undefined, fetch })).toEqual({
      status: 'signed-out',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reports an expired session when the platform refuses the token', async () => {
    const expired = await platform.issuer.mint({ expiresIn: -120 });
    expect(await lookupPatient('255081416802538', { baseUrl, accessToken: expired })).toEqual({
      status: 'signed-out',
      reason: 'expired',
    });
  });

  it("reports a refusal (403) with the platform's French reason", async () => {
    const noProfession = await platform.issuer.mint({ claims: { SubjectRefPro: { exercices: [] } } });
    expect(await lookupPatient('255081416802538', { baseUrl, accessToken: noProfession })).toEqual({
      status: 'unavailable',
      reason: 'forbidden',
      detail: 'Aucune profession de santé n’est associée à votre identité : accès refusé.',
    });
  });
});

describe('platform client when the platform misbehaves', () => {
  it('says unreachable when nothing listens', async () => {
    expect(await lookupPatient('255081416802538', { baseUrl: 'http://127.0.0.1:9', accessToken: 'x' })).toEqual({
      status: 'unavailable',
      reason: 'unreachable',
    });
  });

  it('says timeout when the platform is too slow, server error with its French text, bad response for junk', async () => {
    const server = createServer((req, res) => {
      if (req.url?.includes('255081416802538')) return setTimeout(() => res.end('{}'), 2000);
      if (req.url?.includes('279035121518989')) {
        res.statusCode = 503;
        return res.end(
          JSON.stringify({
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'exception', details: { text: 'Maintenance en cours.' } }],
          }),
        );
      }
      res.end('<html>not fhir</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const odd = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await lookupPatient('255081416802538', { baseUrl: odd, accessToken: 'x', timeoutMs: 200 })).toEqual({
        status: 'unavailable',
        reason: 'timeout',
      });
      expect(await lookupPatient('279035121518989', { baseUrl: odd, accessToken: 'x' })).toEqual({
        status: 'unavailable',
        reason: 'server',
        detail: 'Maintenance en cours.',
      });
      expect(await lookupPatient('184126912304531', { baseUrl: odd, accessToken: 'x' })).toEqual({
        status: 'unavailable',
        reason: 'bad-response',
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('identity confirmation', () => {
  it('is recorded by the real platform, and only then counts', async () => {
    const result = await confirmIdentity(
      'lefevre',
      { traits: ['birthDate', 'sex'], unverified: [] },
      { baseUrl, accessToken, now: () => 42 },
    );
    expect(result).toEqual({
      status: 'recorded',
      confirmation: { traits: ['birthDate', 'sex'], unverified: [], at: 42 },
    });
    const last = await platform.db
      .selectFrom('audit_event')
      .select(['kind', 'patient_id'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toEqual({ kind: 'identity-confirmation', patient_id: 'lefevre' });
  });

  it('is not confirmed when signed out, expired, unknown patient, or the platform does not say it recorded', async () => {
    const fetch = vi.fn(globalThis.fetch);
    expect(
      await confirmIdentity('lefevre', { traits: ['sex'], unverified: [] }, { baseUrl, accessToken: undefined, fetch }),
    ).toEqual({
      status: 'signed-out',
    });
    expect(fetch).not.toHaveBeenCalled();
    const expired = await platform.issuer.mint({ expiresIn: -120 });
    expect(
      await confirmIdentity('lefevre', { traits: ['sex'], unverified: [] }, { baseUrl, accessToken: expired }),
    ).toEqual({
      status: 'signed-out',
      reason: 'expired',
    });
    expect(await confirmIdentity('nobody', { traits: ['sex'], unverified: [] }, { baseUrl, accessToken })).toEqual({
      status: 'unavailable',
      reason: 'refused',
      detail: 'Patient inconnu.',
    });
    // A platform (or something in between) that answers 200 without an audit entry id.
    const liar = createServer((_req, res) =>
      res.end(
        JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational' }],
        }),
      ),
    );
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
      expect(
        await confirmIdentity('lefevre', { traits: ['sex'], unverified: [] }, { baseUrl: url, accessToken: 'x' }),
      ).toEqual({
        status: 'unavailable',
        reason: 'bad-response',
      });
    } finally {
      liar.close();
    }
  });
});
