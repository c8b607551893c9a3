/**
 * DPoP proofs (RFC 9449): the extension signs each request with a key that never leaves it (a
 * non-extractable WebCrypto key); its session is bound to that key's thumbprint (`jkt`). A token
 * copied elsewhere is useless without the key. Checked with `jose`: the proof's signature by the
 * public key it carries, `typ`, method and address, freshness, single use (`jti`), and the hash of
 * the access token it accompanies (`ath`).
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK } from 'jose';

/** Public keys of the proofs seen, by thumbprint (bounded: the oldest go first). */
const KEYS = new Map<string, { alg: string; key: Awaited<ReturnType<typeof importJWK>> }>();

/** Asymmetric algorithms only (RFC 9449 §4.2). */
const ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
/** A proof is good this many seconds after it was made (and tolerated this far in the future). */
const FRESH_SECONDS = 60;
const SKEW_SECONDS = 5;

export type DpopProblem = 'missing' | 'invalid' | 'replayed';

export class DpopError extends Error {
  readonly problem: DpopProblem;
  constructor(problem: DpopProblem) {
    super(`DPoP proof ${problem}`);
    this.problem = problem;
  }
}

/** `base64url(SHA-256(token))`: how a proof names its access token (`ath`), and how tokens are stored. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The address a proof signs: scheme, host and path, without query or fragment (RFC 9449 §4.3). */
export function htuOf(url: string | URL): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`.toLowerCase();
}

/** How long a proof is remembered: as long as it would be accepted. */
export const PROOF_MEMORY_MS = (FRESH_SECONDS + SKEW_SECONDS) * 1000;

/** Answers whether a proof (`thumbprint:jti`) is seen for the first time while fresh, and remembers it. */
export type FirstUse = (jti: string) => boolean | Promise<boolean>;

/**
 * Remembers the proofs seen while they are fresh, so that a replayed one is refused: in memory, for
 * a platform that is one process (SQLite). Several instances share theirs in the database
 * (`platformSessions`, on PostgreSQL).
 */
export function replayCache(now: () => Date): FirstUse {
  const seen = new Map<string, number>();
  return (jti: string): boolean => {
    const t = now().getTime();
    // Kept in the order they came, all for the same time: the stale ones are the first ones.
    for (const [key, until] of seen) {
      if (until >= t) break;
      seen.delete(key);
    }
    if (seen.has(jti)) return false;
    seen.set(jti, t + PROOF_MEMORY_MS);
    return true;
  };
}

export async function verifyDpop(
  proof: string | string[] | undefined,
  request: { method: string; url: string; accessToken?: string },
  options: { now: () => Date; firstUse: FirstUse },
): Promise<{ jkt: string }> {
  if (typeof proof !== 'string' || proof.length === 0 || proof.length > 4096) throw new DpopError('missing');
  let payload;
  let jkt: string;
  try {
    // The proof carries its public key (RFC 9449 §4.2); the key object is kept per thumbprint, so a
    // session's requests do not import the same key again and again.
    const header = decodeProtectedHeader(proof);
    const jwk = header.jwk as JWK | undefined;
    if (!jwk || typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg) || 'd' in jwk) {
      throw new DpopError('invalid');
    }
    jkt = await calculateJwkThumbprint(jwk, 'sha256');
    let key = KEYS.get(jkt);
    if (!key || key.alg !== header.alg) {
      key = { alg: header.alg, key: await importJWK(jwk, header.alg) };
      if (KEYS.size >= 10_000) KEYS.delete(KEYS.keys().next().value!);
      KEYS.set(jkt, key);
    }
    ({ payload } = await jwtVerify(proof, key.key, {
      typ: 'dpop+jwt',
      algorithms: [header.alg],
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
      maxTokenAge: FRESH_SECONDS,
      clockTolerance: SKEW_SECONDS,
      currentDate: options.now(),
    }));
  } catch (error) {
    if (error instanceof DpopError) throw error;
    if (error instanceof errors.JOSEError || error instanceof TypeError) throw new DpopError('invalid');
    throw error;
  }
  if (payload.htm !== request.method || typeof payload.htu !== 'string') throw new DpopError('invalid');
  if (!URL.canParse(payload.htu) || htuOf(payload.htu) !== htuOf(request.url)) throw new DpopError('invalid');
  if (request.accessToken !== undefined && payload.ath !== tokenHash(request.accessToken)) {
    throw new DpopError('invalid');
  }
  if (!(await options.firstUse(`${jkt}:${String(payload.jti)}`))) throw new DpopError('replayed');
  return { jkt };
}
