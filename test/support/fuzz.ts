/**
 * Malformed requests against every route of the platform (issue 17), generated with fast-check:
 * wrong types, prototype names, arrays for scalars, huge and deep values, unicode, repeated and
 * missing parameters, bad headers and tokens. Each answer must be below 500 and, when it refuses,
 * an `OperationOutcome`; after the run the platform still answers and the audit chain verifies.
 * Used by `npm run fuzz` (10 000 requests and more) and, with a smaller sample, by the unit suite.
 */
import fc from 'fast-check';
import { verifyAudit } from '../../server/audit/verify.ts';
import { configFromEnv } from '../../server/config.ts';
import { DEMO_FINESS, DEMO_PRIVACY_OFFICER, DEMO_SECRETARIAT } from '../../server/identity/dev-professionals.ts';
import { givenExam, givenPatient, givenRecord } from './builders.ts';
import { testPlatform, type TestPlatform } from './platform.ts';
import { devClaims } from './tokens.ts';

const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const KNOWN_IDS = ['lefevre', 'casanova', 'exam-lefevre-ct', 'lefevre-doc-1', 'nobody'];
/** Names the routes read, to hit real parameters with wrong values (besides random names). */
const NAMES = [
  'patient',
  'identifier',
  'type',
  'subtype',
  'agent',
  'date',
  'outcome',
  'access-mode',
  '_count',
  'reviewed',
  'code',
  'role',
  'mode',
  'reason',
  'text',
  'trait',
  'unverified',
  'singleUse',
  'days',
  'comment',
  'masked',
  'circle',
  'opposed',
];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...PROTO, ...KNOWN_IDS, '', ' ', '..', '%', '%00', '\u0000', '\uD800', 'null', 'true', '-1', '1e999'),
  fc.constant('x'.repeat(70_000)),
);
const name = fc.oneof(fc.constantFrom(...NAMES, ...PROTO), fc.string({ maxLength: 12 }));

/** Any JSON, deep or wide, with prototype names among the keys. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(name, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A FHIR `Parameters` that is almost right: real names, wrong or repeated values, extra keys. */
const parameters = fc.record({
  resourceType: fc.oneof(fc.constant('Parameters'), text),
  parameter: fc.oneof(
    fc.array(
      fc.oneof(
        fc.record({ name, valueString: text }),
        fc.record({ name, valueCode: text }),
        fc.record({ name, valueBoolean: fc.boolean(), valueString: text }),
        fc.record({ name, valueInteger: fc.integer() }),
        fc.dictionary(name, json, { maxKeys: 3 }),
      ),
      { maxLength: 6 },
    ),
    json,
  ),
});

/** Percent-encoding, lone surrogates made well-formed (raw bad sequences are among the paths). */
const enc = (value: string) => encodeURIComponent(value.toWellFormed());

const deep = fc.integer({ min: 100, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const body = fc.oneof(
  fc.constant(undefined),
  parameters.map((p) => JSON.stringify(p)),
  json.map((v) => JSON.stringify(v)),
  deep,
  text,
  fc.constant('{"a":'),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/fhir+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
  '\u00e9/\u00e9',
);

/** A path for the route's pattern, each `:param` replaced by an id or anything else. */
const pathFor = (pattern: string) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...KNOWN_IDS).map(encodeURIComponent),
        text.map((t) => enc(t).slice(0, 3000)),
        fc.constantFrom('%E0%A4%A', '%', '%zz', '..%2F..%2Fetc', '%2e%2e'),
      ),
      { minLength: 4, maxLength: 4 },
    )
    .map((values) => {
      let i = 0;
      return pattern.replace(/:[A-Za-z]+/g, () => values[i++]!);
    });

const query = fc
  .array(
    fc.tuple(
      name,
      fc.oneof(text, fc.constantFrom('Patient/lefevre', 'ge2026-01-01', 'eq2026-02-30', '0', '4', 'true')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v).slice(0, 3000)}`).join('&'));

export interface FuzzFigures {
  requests: number;
  byStatus: Record<string, number>;
  /** Answers at 500 or above, or refusals that are not an OperationOutcome. */
  failures: { method: string; url: string; status: number; body: string }[];
  routes: number;
  chainVerified: boolean;
}

/** Headers of every kind: each role's valid token, staff's, and broken ones. */
async function authorizations(platform: TestPlatform): Promise<(string | undefined)[]> {
  const staff = (idNps: string) => ({ ...devClaims('physician'), SubjectNameID: idNps, SubjectRefPro: undefined });
  const valid = await Promise.all([
    platform.issuer.mint({ as: 'physician' }),
    platform.issuer.mint({ as: 'nurse' }),
    platform.issuer.mint({ as: 'pharmacist' }),
    platform.issuer.mint({ claims: staff(DEMO_SECRETARIAT) }),
    platform.issuer.mint({ claims: staff(DEMO_PRIVACY_OFFICER) }),
  ]);
  const broken = await Promise.all([
    platform.issuer.mint({ expiresIn: -60 }),
    platform.issuer.mint({ forged: true }),
    platform.issuer.mint({ typ: 'JWT' }),
    platform.issuer.mint({ omit: ['acr'] }),
    platform.issuer.mint({ claims: { ...devClaims('physician'), SubjectRefPro: { __proto__: 'x' } } }),
  ]);
  return [
    ...valid.map((t) => `Bearer ${t}`),
    ...valid.map((t) => `Bearer ${t}`),
    ...broken.map((t) => `Bearer ${t}`),
    undefined,
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'a'.repeat(20_000)}`,
    'Bearer a.b.c',
    `bearer ${valid[0]}`,
  ];
}

/** What the known ids name: two patients with a record (one opposed break-glass) and an exam. */
async function givenPeople(db: TestPlatform['db']): Promise<void> {
  await givenPatient(db, { id: 'lefevre' });
  await givenPatient(db, { id: 'casanova', sex: 'male' });
  await givenRecord(db, 'lefevre', {
    documents: [{ id: 'lefevre-doc-1', type: 'summary', title: 'Volet de synthèse médicale' }],
    alerts: ['Allergie à la pénicilline'],
  });
  await givenRecord(db, 'casanova', { consent: { circleAccess: true, breakGlassOpposed: true } });
  await givenExam(db, 'lefevre', {
    id: 'exam-lefevre-ct',
    organization: 'CENTRE D’IMAGERIE DE DEMONSTRATION',
    organization_id: DEMO_FINESS.imaging,
  });
}

export async function fuzzPlatform({ runs, seed }: { runs: number; seed?: number }): Promise<FuzzFigures> {
  const config = configFromEnv({});
  const platform = await testPlatform(
    {
      audit: { ...config.audit, readers: [DEMO_PRIVACY_OFFICER] },
      shareCodes: { ...config.shareCodes, issuers: [DEMO_SECRETARIAT] },
    },
    { demo: true, seed: givenPeople },
  );
  const figures: FuzzFigures = {
    requests: 0,
    byStatus: {},
    failures: [],
    routes: platform.app.routeList.length,
    chainVerified: false,
  };
  try {
    const auth = await authorizations(platform);
    const request = fc.record({
      route: fc.constantFrom(...platform.app.routeList),
      query,
      body,
      contentType,
      authorization: fc.constantFrom(...auth),
      idempotencyKey: fc.oneof(fc.constant(undefined), fc.uuid(), text),
      origin: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 8 },
        fc.constantFrom('https://evil.example', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'null'),
      ),
    });
    const withPath = request.chain((r) => pathFor(r.route.url).map((path) => ({ ...r, path })));
    await fc.assert(
      fc.asyncProperty(withPath, async (r) => {
        const url = `${r.path}${r.query ? `?${r.query}` : ''}`;
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey.slice(0, 8000);
        if (r.origin) headers.origin = r.origin;
        const res = await platform.app.inject({
          method: r.route.method as 'GET',
          url,
          headers,
          ...(r.body !== undefined && r.route.method !== 'GET' ? { payload: r.body } : {}),
        });
        figures.requests++;
        figures.byStatus[res.statusCode] = (figures.byStatus[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500 || (res.statusCode >= 400 && !refusalAsExpected(url, res))) {
          figures.failures.push({
            method: r.route.method,
            url: url.slice(0, 300),
            status: res.statusCode,
            body: res.body.slice(0, 300),
          });
        }
        return true;
      }),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true },
    );
    const health = await platform.app.inject({ method: 'GET', url: '/health' });
    if (health.statusCode !== 200)
      figures.failures.push({ method: 'GET', url: '/health', status: health.statusCode, body: health.body });
    await platform.audit.checkpoint();
    figures.chainVerified = (await verifyAudit(platform.db)).ok;
  } finally {
    await platform.close();
  }
  return figures;
}

/**
 * A refusal in the form its reader expects: a FHIR `OperationOutcome`; on the sign-in routes, an
 * OAuth error (RFC 6749 §5.2) for the extension's token requests, or a French page for the
 * sign-in window.
 */
function refusalAsExpected(url: string, res: { body: string; headers: Record<string, unknown> }): boolean {
  if (isOutcome(res.body)) return true;
  if (!url.startsWith('/auth/')) return false;
  if (String(res.headers['content-type']).startsWith('text/html')) return res.body.includes('Connexion impossible');
  try {
    const parsed: unknown = JSON.parse(res.body);
    return typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string';
  } catch {
    return false;
  }
}

function isOutcome(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      'resourceType' in parsed &&
      parsed.resourceType === 'OperationOutcome'
    );
  } catch {
    return false;
  }
}
