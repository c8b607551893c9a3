/**
 * The platform refuses every token it should, with a FHIR OperationOutcome the panel can show in
 * French and an RFC 6750 challenge; and takes the professional from the token only.
 */
import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { devClaims, TEST_ISSUER, type MintOptions } from '../../test/support/tokens.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await testPlatform();
});
afterAll(() => platform.close());

const search = '/fhir/Patient?identifier=255081416802538';
const get = (url: string, authorization?: string) =>
  platform.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
const withToken = async (options: MintOptions) => get(search, `Bearer ${await platform.issuer.mint(options)}`);

function expectRefusal(res: Awaited<ReturnType<typeof get>>, status: number, text: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  const outcome = res.json();
  expect(() => validateR4(outcome)).not.toThrow();
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue[0].details.text).toMatch(text);
  // Nothing about the patient leaks into a refusal.
  expect(res.body).not.toContain('LEF');
}

describe('platform: bearer token checks', () => {
  it('answers a valid token', async () => {
    expect((await withToken({})).statusCode).toBe(200);
  });

  it('refuses a request without a token, with a bare Bearer challenge', async () => {
    const res = await get(search);
    expectRefusal(res, 401, /Connexion requise/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="passerelle"');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer not.a.jwt'], ['Bearer a b']])(
    'refuses a malformed Authorization header (%s)',
    async (header) => {
      const res = await get(search, header);
      expect(res.statusCode).toBe(401);
    },
  );

  it('refuses an expired token, saying the session expired', async () => {
    const res = await withToken({ expiresIn: -120 });
    expectRefusal(res, 401, /session a expiré/);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('tolerates 30 s of clock skew, not more', async () => {
    expect((await withToken({ expiresIn: -10 })).statusCode).toBe(200);
    expect((await withToken({ expiresIn: -40 })).statusCode).toBe(401);
  });

  it.each<[string, MintOptions]>([
    ['forged (signed by another key)', { forged: true }],
    ['for another audience', { audience: 'urn:another:service' }],
    ['from another issuer', { issuer: 'https://evil.example' }],
    ['signed with a shared secret (HS256)', { alg: 'HS256' }],
    ['without an expiry', { omit: ['exp'] }],
    ['without a subject', { omit: ['sub'] }],
    ['without an issue time', { omit: ['iat'] }],
    ['that is not an access token (typ JWT)', { typ: 'JWT' }],
    ['that is an ID token (typ absent)', { typ: '' }],
    ['issued a day in the future', { claims: { iat: Math.floor(Date.now() / 1000) + 86_400 } }],
    ['claiming to live ten years', { expiresIn: 10 * 365 * 86_400 }],
  ])('refuses a token %s', async (_what, options) => {
    const res = await withToken(options);
    expectRefusal(res, 401, /Jeton de connexion refusé/);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ ...devClaims('physician'), acr: 'eidas1' })
      .setIssuer(TEST_ISSUER)
      .setAudience('urn:passerelle:platform')
      .setExpirationTime(now + 600)
      .encode();
    expectRefusal(await get(search, `Bearer ${token}`), 401, /Jeton de connexion refusé/);
  });

  it('refuses a token with a tampered payload', async () => {
    const [header, , signature] = (await platform.issuer.mint({ as: 'nurse' })).split('.');
    const payload = Buffer.from(JSON.stringify({ ...devClaims('physician'), acr: 'eidas1' })).toString('base64url');
    expectRefusal(await get(search, `Bearer ${header}.${payload}.${signature}`), 401, /Jeton de connexion refusé/);
  });

  it.each<[string, MintOptions]>([
    ['without acr', { omit: ['acr'] }],
    ['with a weaker acr', { claims: { acr: 'eidas0' } }],
  ])('asks for strong authentication for a token %s', async (_what, options) => {
    const res = await withToken(options);
    expectRefusal(res, 401, /Authentification forte requise/);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
  });

  it('refuses a token without a professional identity', async () => {
    const res = await withToken({ omit: ['SubjectNameID', 'preferred_username'] });
    expectRefusal(res, 401, /identité professionnelle est incomplète/);
  });

  it('forbids (403) a professional without any health profession', async () => {
    const res = await withToken({ claims: { SubjectRefPro: { exercices: [] } } });
    expectRefusal(res, 403, /Aucune profession de santé/);
    expect(res.json().issue[0].code).toBe('forbidden');
  });

  it('guards unknown routes too, and leaves health and the capability statement open', async () => {
    expect((await get('/fhir/Observation')).statusCode).toBe(401);
    expect((await get('/health')).statusCode).toBe(200);
    expect((await get('/fhir/metadata')).statusCode).toBe(200);
  });

  it('accepts only the configured clients (client_id, else azp)', async () => {
    const token = await platform.issuer.mint();
    const strict = platform.issuer.verifierWith({ clientIds: ['passerelle'] });
    await expect(strict(`Bearer ${token}`)).rejects.toMatchObject({ status: 401 });
    const ours = await platform.issuer.mint({ claims: { client_id: 'passerelle' } });
    await expect(strict(`Bearer ${ours}`)).resolves.toMatchObject({ familyName: 'MOREAU' });
    const byAzp = await platform.issuer.mint({ omit: ['client_id'], claims: { azp: 'passerelle' } });
    await expect(strict(`Bearer ${byAzp}`)).resolves.toMatchObject({ familyName: 'MOREAU' });
  });

  it('answers 503, not 401, when the provider keys cannot be had', async () => {
    const { createVerifier, discoveredKeys } = await import('./verify-token.ts');
    const verify = createVerifier(
      { issuer: 'http://127.0.0.1:9', audience: 'urn:passerelle:platform', acceptedAcr: ['eidas1'] },
      discoveredKeys('http://127.0.0.1:9'),
    );
    const token = await platform.issuer.mint();
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ status: 503 });
  });
});

describe('platform: the professional comes from the token', () => {
  it('keeps a Practitioner and PractitionerRole from the claims, valid R4, FR Core identifiers', async () => {
    const res = await get('/fhir/Practitioner/$me', `Bearer ${await platform.issuer.mint({ as: 'midwife' })}`);
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    expect(() => validateR4(bundle)).not.toThrow();
    const [practitioner, role] = bundle.entry.map((e: { resource: unknown }) => e.resource);
    expect(practitioner).toMatchObject({
      resourceType: 'Practitioner',
      identifier: [
        { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '899700100037' },
        { system: 'https://rpps.esante.gouv.fr', value: '99700100037' },
      ],
      name: [{ family: 'KONATÉ', given: ['Awa'] }],
      telecom: [{ system: 'email', value: 'awa.konate@ch-demo.mssante.fr' }],
    });
    expect(role).toMatchObject({
      resourceType: 'PractitionerRole',
      active: true,
      practitioner: { reference: `Practitioner/${practitioner.id}` },
      code: [{ coding: [{ code: '50', display: 'Sage-femme' }] }],
    });
  });

  it('follows the claims when they change, keeping role ids and deactivating a lost profession', async () => {
    const me = async (exercices: object[]) => {
      const token = await platform.issuer.mint({ as: 'pharmacist', claims: { SubjectRefPro: { exercices } } });
      return (await get('/fhir/Practitioner/$me', `Bearer ${token}`))
        .json()
        .entry.map(
          (e: {
            resource: { resourceType: string; id: string; active?: boolean; code?: { coding: { code: string }[] }[] };
          }) => e.resource,
        );
    };
    const before = await me([{ codeProfession: '21', nomDexercice: 'FABRE' }]);
    const after = await me([{ codeProfession: '10', nomDexercice: 'FABRE' }]);
    const pharmacistRole = (list: typeof before) =>
      list.find((r: (typeof before)[0]) => r.code?.[0]?.coding[0]?.code === '21');
    expect(pharmacistRole(after).id).toBe(pharmacistRole(before).id);
    expect(pharmacistRole(after).active).toBe(false);
    expect(after.filter((r: (typeof before)[0]) => r.resourceType === 'PractitionerRole')).toHaveLength(2);
  });
});
