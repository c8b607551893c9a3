/**
 * A token issuer for tests: its own ES256 key, and `mint()` to make access tokens, right or
 * wrong on purpose (expired, other key, other audience, no `acr`…), for the platform to judge.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { DEFAULT_AUDIENCE } from '../../server/config.ts';
import { DEV_PROFESSIONALS, pscClaimsOf } from '../../server/identity/dev-professionals.ts';
import { createVerifier, type IdentityConfig, type Verifier } from '../../server/identity/verify-token.ts';

export const TEST_ISSUER = 'https://psc.test.passerelle.example';

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
  /** A verifier of this issuer's tokens with stricter settings (accepted clients, lifetime…). */
  verifierWith(settings: Partial<IdentityConfig>): Verifier;
  mint(options?: MintOptions): Promise<string>;
  bearer(options?: MintOptions): Promise<{ authorization: string }>;
}

export const devClaims = (role: Role) => pscClaimsOf(DEV_PROFESSIONALS.find((p) => p.accountId.endsWith(`:${role}`))!);

export async function testIssuer(): Promise<TestIssuer> {
  const own = await generateKeyPair('ES256', { extractable: true });
  const other = await generateKeyPair('ES256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(own.publicKey)), kid: 'test', alg: 'ES256' }] });
  const base = { issuer: TEST_ISSUER, audience: DEFAULT_AUDIENCE, acceptedAcr: ['eidas1'] };
  const verify = createVerifier(base, jwks);
  const verifierWith = (settings: Partial<IdentityConfig>) => createVerifier({ ...base, ...settings }, jwks);

  const mint = async (o: MintOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const full: JWTPayload = {
      ...devClaims(o.as ?? 'physician'),
      acr: 'eidas1',
      iss: o.issuer ?? TEST_ISSUER,
      aud: o.audience ?? DEFAULT_AUDIENCE,
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
  return { verify, verifierWith, mint, bearer: async (o) => ({ authorization: `Bearer ${await mint(o)}` }) };
}
