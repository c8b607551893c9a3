/**
 * The one way the background calls the platform. A call names its path, method and body, and how
 * to read the answer; everything else is done here, once: no token → `signed-out` (nothing is
 * sent); a timeout or an unreachable platform, a refused or expired token, the platform's own
 * refusals (its French words in `detail`), a server error and an answer that does not read as
 * expected each become the `signed-out` or `unavailable` result every page knows how to show.
 */
import * as oauth from 'oauth4webapi';
import type { UnavailableReason } from '../core/protocol.ts';
import { FhirOperationOutcome } from './fhir-answers.ts';

/** Plain http only to a platform on this machine (the demo's); anywhere else, TLS. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface ClientOptions {
  baseUrl: string;
  /** The professional's access token; without one, nothing is asked of the platform. */
  accessToken: string | undefined;
  /** The extension's DPoP key, which signs every request (RFC 9449); the platform refuses a token without it. */
  dpop?: oauth.DPoPHandle;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type Failure = { status: 'signed-out'; reason?: 'expired' } | Unavailable;
type Unavailable = { status: 'unavailable'; reason: UnavailableReason; detail?: string };

export const unavailable = (reason: UnavailableReason, detail?: string): Unavailable =>
  detail ? { status: 'unavailable', reason, detail } : { status: 'unavailable', reason };

export interface Call<T, R = never> {
  /** The path (its variable parts already encoded: see `segment`). */
  path: string;
  query?: Record<string, string | undefined>;
  method?: 'GET' | 'POST';
  /** Sent as JSON: FHIR (`application/fhir+json`) unless `plainJson` (the secretariat's and review's API). */
  body?: unknown;
  plainJson?: boolean;
  headers?: Record<string, string>;
  /** The answer is text (a CSV), not JSON. */
  text?: boolean;
  /** The result an answer means, or `undefined` when it does not read as expected (`bad-response`). */
  read(body: unknown, headers: Headers): T | undefined;
  /** A refusal this call understands itself (e.g. `403` with `X-Break-Glass`); else the usual failure. */
  refused?(status: number, headers: Headers, body: unknown): R | undefined;
}

/** The reading of an answer that means only "done". */
export const acknowledged = () => ({ status: 'ok' as const });

/** A path segment from a value (an id), encoded. */
export const segment = (value: string) => encodeURIComponent(value);

export async function callPlatform<T, R = never>(options: ClientOptions, call: Call<T, R>): Promise<T | R | Failure> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(call.path, options.baseUrl);
  for (const [name, value] of Object.entries(call.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, value);
  let res: Response;
  const headers = new Headers({
    accept: 'application/fhir+json',
    ...(call.body === undefined
      ? {}
      : { 'content-type': call.plainJson ? 'application/json' : 'application/fhir+json' }),
    ...call.headers,
  });
  try {
    // `oauth4webapi` signs the request with the DPoP key (proof bound to method, address and token).
    res = await oauth.protectedResourceRequest(
      options.accessToken,
      call.method ?? 'GET',
      url,
      headers,
      call.body === undefined ? null : JSON.stringify(call.body),
      {
        ...(options.dpop ? { DPoP: options.dpop } : {}),
        [oauth.customFetch]: (
          target: string,
          init: oauth.CustomFetchOptions<string, oauth.ProtectedResourceRequestBody>,
        ) => (options.fetch ?? fetch)(target, { ...init, body: init.body as BodyInit | null, credentials: 'omit' }),
        [oauth.allowInsecureRequests]: url.protocol === 'http:' && LOOPBACK.has(url.hostname),
        signal: AbortSignal.timeout(options.timeoutMs ?? 8000),
      },
    );
  } catch (error) {
    // The platform refused the token (401 with its `WWW-Authenticate` challenge): the session ended.
    if (error instanceof oauth.WWWAuthenticateChallengeError) return { status: 'signed-out', reason: 'expired' };
    if (error instanceof TypeError && /https/i.test(error.message)) return unavailable('unreachable');
    return unavailable(error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'unreachable');
  }
  let raw: string;
  try {
    raw = await res.text();
  } catch {
    return unavailable(res.ok ? 'bad-response' : 'server');
  }
  const body = call.text && res.ok ? raw : parseJson(raw);
  const special = call.refused?.(res.status, res.headers, body);
  if (special !== undefined) return special;
  if (res.status === 401) return { status: 'signed-out', reason: 'expired' };
  if (!res.ok) return failureOf(res.status, body);
  if (body === undefined) return unavailable('bad-response');
  return call.read(body, res.headers) ?? unavailable('bad-response');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A refusal, as the pages show it: the platform's French words when it gave some. */
function failureOf(status: number, body: unknown): Unavailable {
  const outcome = FhirOperationOutcome.safeParse(body);
  const detail = outcome.success ? outcome.data.issue[0]?.details?.text : undefined;
  if (status === 403) return unavailable('forbidden', detail);
  // The platform's own refusals (unknown, conflict, gone, wrong, too many): its words say why.
  if ([404, 409, 410, 422, 429].includes(status) && detail) return unavailable('refused', detail);
  return unavailable(status >= 500 ? 'server' : 'bad-response', detail);
}

/** The text of a FHIR attachment or Binary (`data`, base64 of UTF-8). */
export const utf8 = (base64: string) => new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
