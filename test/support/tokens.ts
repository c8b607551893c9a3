/**
 * Who is calling, for route and client tests: a token issuer with its own ES256 key; `mint()`
 * makes a signed token carrying a professional's PSC claims, and the test platform's verifier
 * (`verify`) reads it in place of a platform session (`server/identity/sessions.ts`, tested on its
 * own with the real sign-in in `server/identity/sessions.test.ts`). The route tests are about what
 * a professional may do, not about how they signed in.
 */
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Verifier } from '../../server/app.ts';
import { FhirError } from '../../server/fhir/operation-outcome.ts';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../../server/identity/dev-professionals.ts';
import { professionalFromClaims } from '../../src/core/psc.ts';

export const TEST_ISSUER = 'https://psc.test.passerelle.example';
const AUDIENCE = 'urn:passerelle:test';

type Role = 'physician' | 'nurse' | 'midwife' | 'pharmacist';

export interface MintOptions {
  as?: Role;
  claims?: JWTPayload;
  /** Claims to leave out (`acr`, `exp`…). */
  omit?: string[];
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token already expired. */
  expiresIn?: number;
  /** Sign with another key than the issuer's (a forgery). */
  forged?: boolean;
  alg?: 'ES256' | 'HS256';
  /** The JOSE `typ` header (`at+jwt` by default, as RFC 9068 access tokens). */
  typ?: string;
}

export interface TestIssuer {
  verify: Verifier;
  mint(options?: MintOptions): Promise<string>;
  bearer(options?: MintOptions): Promise<{ authorization: string }>;
}

export const devClaims = (role: Role) => pscClaimsOf(DEV_PROFESSIONALS.find((p) => p.accountId.endsWith(`:${role}`))!);

export async function testIssuer(): Promise<TestIssuer> {
  const own = await generateKeyPair('ES256', { extractable: true });
  const other = await generateKeyPair('ES256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(own.publicKey)), kid: 'test', alg: 'ES256' }] });
  const refuse = (text: string) => new FhirError(401, { code: 'login', text });
  const verify: Verifier = async (req, options) => {
    const header = req.headers.authorization;
    const token = /^(?:Bearer|DPoP) (\S+)$/.exec(typeof header === 'string' ? header : '')?.[1];
    if (!token) throw refuse('Connexion requise : connectez-vous avec Pro Santé Connect.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: TEST_ISSUER, audience: AUDIENCE, typ: 'at+jwt' }));
    } catch (error) {
      throw refuse(
        error instanceof errors.JWTExpired
          ? 'Votre session a expiré : reconnectez-vous.'
          : 'Jeton de connexion refusé : reconnectez-vous.',
      );
    }
    if (payload.acr !== 'eidas1') throw refuse('Authentification forte requise.');
    const mapped = professionalFromClaims(payload);
    if (!mapped.ok) throw refuse('Votre identité professionnelle est incomplète.');
    if (mapped.professional.professions.length === 0 && !options.staff) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Aucune profession de santé n’est associée à votre identité : accès refusé.',
      });
    }
    return mapped.professional;
  };

  const mint = async (o: MintOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const full: JWTPayload = {
      ...devClaims(o.as ?? 'physician'),
      acr: 'eidas1',
      iss: o.issuer ?? TEST_ISSUER,
      aud: o.audience ?? AUDIENCE,
      iat: now,
      exp: now + (o.expiresIn ?? 600),
      client_id: 'passerelle-test',
      ...o.claims,
    };
    const payload = Object.fromEntries(Object.entries(full).filter(([name]) => !o.omit?.includes(name)));
    const alg = o.alg ?? 'ES256';
    const key =
      alg === 'HS256'
        ? new TextEncoder().encode('a shared secret of thirty-two by')
        : o.forged
          ? other.privateKey
          : own.privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg, kid: 'test', typ: o.typ ?? 'at+jwt' }).sign(key);
  };
  return { verify, mint, bearer: async (o) => ({ authorization: `Bearer ${await mint(o)}` }) };
}
