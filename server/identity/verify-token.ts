/**
 * The platform's only door: a bearer access token from the configured OpenID provider (Pro Santé
 * Connect, or the development one). Checked with `jose`: signature against the provider's JWKS,
 * issuer, audience, expiry, then `acr` (docs/domain.md: tokens without an acceptable `acr` are refused).
 * The professional comes from the token's claims only, never from a request body.
 * Refusals are FHIR errors with a French reason and an RFC 6750 `WWW-Authenticate` challenge.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Professional } from '../../src/core/protocol.ts';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { FhirError } from '../fhir/operation-outcome.ts';

export interface IdentityConfig {
  issuer: string;
  audience: string;
  acceptedAcr: readonly string[];
  /** The OpenID clients whose access tokens are accepted (`client_id`, else `azp`); unchecked if empty. */
  clientIds?: readonly string[];
  /** The longest lifetime an access token may claim (`exp − iat`), in seconds (default one hour). */
  maxLifetimeSeconds?: number;
}

/** Clock skew tolerated on `exp` and `iat`. */
const SKEW = 30;

/**
 * `staff`: the route also serves staff without a health profession in their token (an imaging
 * secretariat, a privacy officer: what they may do is the platform's configuration, by IDNPS).
 */
export type Verifier = (authorization: string | undefined, options?: { staff?: boolean }) => Promise<Professional>;

/** Asymmetric signatures only: no `none`, no shared secrets. */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

const challenge = (error?: string, description?: string) =>
  ['Bearer realm="passerelle"', error && `error="${error}"`, description && `error_description="${description}"`]
    .filter(Boolean)
    .join(', ');

const unauthorized = (text: string, diagnostics: string, error = 'invalid_token') =>
  new FhirError(401, { code: 'login', text, diagnostics }).withHeaders({
    'www-authenticate': challenge(error, diagnostics),
  });

/** The provider's signing keys, found by OpenID discovery on first use (and retried after a failure). */
export function discoveredKeys(issuer: string, fetchImpl: typeof fetch = fetch): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async () => {
    const res = await fetchImpl(new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`), {
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const metadata = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (metadata.issuer !== issuer || !metadata.jwks_uri) throw new Error('discovery document does not match');
    return createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: 5000 });
  };
  return async (header, token) => {
    keys ??= discover();
    let getKey: JWTVerifyGetKey;
    try {
      getKey = await keys;
    } catch (error) {
      keys = undefined;
      throw error;
    }
    return getKey(header, token);
  };
}

export function createVerifier(config: IdentityConfig, keys: JWTVerifyGetKey): Verifier {
  return async (authorization, options = {}) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token) {
      throw new FhirError(401, {
        code: 'login',
        text: 'Connexion requise : connectez-vous avec Pro Santé Connect.',
        diagnostics: 'Authorization: Bearer <access token> is required',
      }).withHeaders({ 'www-authenticate': challenge() });
    }

    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub', 'iat'],
        clockTolerance: SKEW,
        // RFC 9068: an access token says it is one (an ID token or another JWT is not).
        typ: 'at+jwt',
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw unauthorized('Votre session a expiré : reconnectez-vous.', 'token expired');
      }
      if (error instanceof errors.JOSEError) {
        throw unauthorized('Jeton de connexion refusé : reconnectez-vous.', `token rejected (${error.code})`);
      }
      // Not the token's fault: the provider's keys could not be fetched.
      throw new FhirError(503, {
        code: 'transient',
        text: 'Le service d’identité est injoignable. Réessayez dans un instant.',
        diagnostics: 'could not obtain the identity provider keys',
      });
    }

    // RFC 9068 strictness: not issued in the future, not living longer than an access token does,
    // and issued to a client of ours.
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat! > now + SKEW)
      throw unauthorized('Jeton de connexion refusé : reconnectez-vous.', 'iat in the future');
    if (payload.exp! - payload.iat! > (config.maxLifetimeSeconds ?? 3600)) {
      throw unauthorized('Jeton de connexion refusé : reconnectez-vous.', 'token lifetime too long');
    }
    const client = typeof payload.client_id === 'string' ? payload.client_id : payload.azp;
    if (config.clientIds?.length && (typeof client !== 'string' || !config.clientIds.includes(client))) {
      throw unauthorized('Jeton de connexion refusé : reconnectez-vous.', 'client_id not accepted');
    }

    if (typeof payload.acr !== 'string' || !config.acceptedAcr.includes(payload.acr)) {
      throw unauthorized(
        'Authentification forte requise : connectez-vous avec votre carte CPS ou e-CPS.',
        `acr must be one of ${config.acceptedAcr.join(', ')}`,
        'insufficient_user_authentication',
      );
    }

    const mapped = professionalFromClaims(payload);
    if (!mapped.ok) {
      throw unauthorized('Votre identité professionnelle est incomplète dans le jeton.', `claims: ${mapped.problem}`);
    }
    if (mapped.professional.professions.length === 0 && !options.staff) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Aucune profession de santé n’est associée à votre identité : accès refusé.',
        diagnostics: 'no SubjectRefPro.exercices[].codeProfession in the token',
      });
    }
    return mapped.professional;
  };
}
