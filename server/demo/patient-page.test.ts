/**
 * The patient's page (demo sign-in): what the patient is told of break-glass accesses, their access
 * history, and the choices the platform then enforces (consent, opposition, masked documents).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { givenPatients, recordCalls } from '../../test/support/record-fixtures.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';

let platform: TestPlatform;
let calls: ReturnType<typeof recordCalls>;
beforeEach(async () => {
  platform = await testPlatform({}, { demo: true, seed: givenPatients });
  calls = recordCalls(platform);
});
afterEach(() => platform.close());

const call = (...args: Parameters<typeof calls.call>) => calls.call(...args);
const join = (...args: Parameters<typeof calls.join>) => calls.join(...args);
const breakGlass = (...args: Parameters<typeof calls.breakGlass>) => calls.breakGlass(...args);

describe('the patient’s page', () => {
  const login = async (patient: string) => {
    const res = await platform.app.inject({
      method: 'POST',
      url: '/patient/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `patient=${patient}`,
    });
    expect(res.statusCode).toBe(303);
    return String(res.headers['set-cookie']).split(';')[0]!;
  };
  const post = (cookie: string, url: string, payload: string, origin?: string) =>
    platform.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
      payload,
    });

  it('shows the break-glass notification and the access history with mode and reason', async () => {
    expect((await breakGlass('bernard')).statusCode).toBe(201);
    expect((await call('GET', '/fhir/Patient/bernard/$summary')).statusCode).toBe(200);
    const cookie = await login('bernard');
    expect(cookie).toMatch(/^passerelle_patient=/);
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('a ouvert votre dossier en accès d’urgence');
    expect(page.body).toMatch(
      /data-access="bris_de_glace"[^]*Dr Julien MOREAU[^]*bris de glace[^]*Patient inconscient/,
    );
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('lets the patient withdraw consent, oppose break-glass and mask a document — the platform then enforces it', async () => {
    await join('lefevre');
    const cookie = await login('lefevre');
    expect((await call('GET', '/fhir/Binary/lefevre-doc-5')).statusCode).toBe(200);
    await post(cookie, '/patient/documents/lefevre-doc-5', 'masked=1');
    expect((await call('GET', '/fhir/Binary/lefevre-doc-5')).statusCode).toBe(404);
    await post(cookie, '/patient/consent', 'opposed=1');
    await post(cookie, '/patient/consent', 'circle=0');
    const refused = await call('GET', '/fhir/Patient/lefevre/$summary');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['x-break-glass']).toBe('opposed');
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('data-consent="deny"');
    expect(page.body).toContain('data-opposition="opposed"');
    // The patient's documents by their French kinds, not the feed's English LOINC displays.
    expect(page.body).toMatch(/data-document="lefevre-doc-3"[^]*?<td>Résultats de biologie<\/td>/);
    expect(page.body).not.toContain('Laboratory report');
    // Each choice is audited, the patient as the agent.
    const changes = await platform.db
      .selectFrom('audit_event')
      .select(['kind', 'agent_idnps', 'resource'])
      .where('kind', 'in', ['consent-change', 'document-mask'])
      .where('patient_id', '=', 'lefevre')
      .execute();
    expect(changes.map((c) => c.kind)).toEqual(['document-mask', 'consent-change', 'consent-change']);
    expect(changes.every((c) => c.agent_idnps === 'Patient/lefevre')).toBe(true);
    const event = JSON.parse(changes[0]!.resource);
    validateR4(event);
    expect(event.agent[0]).toMatchObject({
      who: { reference: 'Patient/lefevre', display: 'MARIE CLAIRE LEFÈVRE' },
    });
  });

  it('takes no change without a session, nor from another site', async () => {
    expect((await post('passerelle_patient=x', '/patient/consent', 'circle=0')).headers.location).toBe('/patient');
    const cookie = await login('nguyen');
    const forged = await post(cookie, '/patient/consent', 'opposed=1', 'https://evil.example');
    expect(forged.statusCode).toBe(403);
    const page = await platform.app.inject({ method: 'GET', url: '/patient', headers: { cookie } });
    expect(page.body).toContain('data-opposition="allowed"');
  });
});
