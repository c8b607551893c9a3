import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insKey } from '../../src/core/ins.ts';
import { CHROME_EXTENSION_ORIGIN } from '../../src/core/platform.ts';
import { LEFEVRE, givenPatient } from '../../test/support/builders.ts';
import { validateR4 } from '../../test/support/fhir.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';

let platform: TestPlatform;
let auth: { authorization: string };
beforeAll(async () => {
  platform = await testPlatform({}, { seed: givenPatients });
  auth = await platform.issuer.bearer();
});
afterAll(() => platform.close());

/** Two INS test identities (with their keys), one born in Corsica (department 2A). */
async function givenPatients(db: TestPlatform['db']): Promise<void> {
  await givenPatient(db, LEFEVRE);
  await givenPatient(db, {
    id: 'casanova',
    ins: '162052A00401233',
    birthName: 'CASANOVA',
    sex: 'male',
    birthDate: '1962-05-10',
    birthPlace: '2A004',
  });
}

const get = (url: string, headers: Record<string, string> = {}) =>
  platform.app.inject({ method: 'GET', url, headers: { ...auth, ...headers } });

describe('GET /fhir/Patient?identifier=', () => {
  it('finds a patient by test INS with system, as a valid R4 searchset', async () => {
    const res = await get('/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10|255081416802538');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = res.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const patient = bundle.entry[0].resource;
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      id: 'lefevre',
      identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.10', value: '255081416802538' }],
      name: [
        { use: 'official', family: 'LEFÈVRE', given: ['MARIE CLAIRE'] },
        { use: 'usual', family: 'MARTIN' },
      ],
      gender: 'female',
      birthDate: '1955-08-14',
    });
    validateR4(bundle);
    validateR4(patient);
  });

  it('finds the same patient by bare INS value and by written form', async () => {
    expect((await get('/fhir/Patient?identifier=255081416802538')).json().total).toBe(1);
    expect((await get(`/fhir/Patient?identifier=${encodeURIComponent('2 55 08 14 168 025 38')}`)).json().total).toBe(1);
  });

  it('tells an unknown INS (empty bundle) apart from a wrong-key INS (400 invalid)', async () => {
    // 1 85 05 75 112 345 with its valid key: nobody on this platform.
    const unknownIns = `1850575112345${String(insKey('1850575112345')).padStart(2, '0')}`;
    const unknown = await get(`/fhir/Patient?identifier=${unknownIns}`);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toMatchObject({ resourceType: 'Bundle', total: 0 });

    const wrongKey = await get('/fhir/Patient?identifier=255081416802539');
    expect(wrongKey.statusCode).toBe(400);
    const outcome = wrongKey.json();
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'invalid', details: { text: "La clé de l'INS est invalide." } }],
    });
    validateR4(outcome);
  });

  it('refuses a search without INS, and identifier systems that are not INS', async () => {
    expect((await get('/fhir/Patient')).json()).toMatchObject({ issue: [{ code: 'required' }] });
    const other = await get('/fhir/Patient?identifier=http://example.org/ipp|000123456');
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ issue: [{ code: 'not-supported' }] });
  });
});

describe('GET /fhir/Patient/{id}', () => {
  it('reads a patient', async () => {
    const res = await get('/fhir/Patient/casanova');
    expect(res.json()).toMatchObject({ identifier: [{ value: '162052A00401233' }], birthDate: '1962-05-10' });
    validateR4(res.json());
  });

  it('answers 404 with an OperationOutcome for an unknown id and an unknown route', async () => {
    for (const url of ['/fhir/Patient/nobody', '/fhir/Nope']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    }
  });
});

describe('CORS and origins', () => {
  it("admits the extension's origin", async () => {
    const res = await get('/fhir/Patient?identifier=255081416802538', { origin: CHROME_EXTENSION_ORIGIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(CHROME_EXTENSION_ORIGIN);
  });

  it('refuses a web page of another origin, preflight included', async () => {
    const res = await get('/fhir/Patient?identifier=255081416802538', { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    const preflight = await platform.app.inject({
      method: 'OPTIONS',
      url: '/fhir/Patient',
      headers: { origin: 'chrome-extension://someoneelse', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('logs', () => {
  it('carry no health data and no credential: no INS, name, birth date, query string or token', async () => {
    platform.logs.length = 0;
    await get('/fhir/Patient?identifier=255081416802538');
    await get('/fhir/Patient/lefevre');
    await get('/fhir/Patient?identifier=255081416802539');
    const text = platform.logs.join('');
    expect(platform.logs.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('"route":"/fhir/Patient"');
    const token = auth.authorization.slice('Bearer '.length);
    for (const secret of ['255081416802538', '25508141680253', 'LEF', 'MARIE', '1955-08-14', 'identifier=', token]) {
      expect(text).not.toContain(secret);
    }
  });
});
