/**
 * The extension's client of the platform's FHIR API. Every answer is parsed (protocol schemas)
 * and mapped to what the panel needs; a platform that is down, slow or odd gives a reason the
 * panel can explain in French, never an exception.
 */
import { checkIns, insKindOf } from '../core/ins.ts';
import { PlatformPatient, type ConfirmResult, type LookupResult, type UnavailableReason } from '../core/protocol.ts';
import { FhirOperationOutcome, FhirPatient, FhirSearchBundle } from './fhir-answers.ts';
import type { Trait } from '../core/traits.ts';

export interface ClientOptions {
  baseUrl: string;
  /** The professional's access token; without one, nothing is asked of the platform. */
  accessToken: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type Failure = Extract<LookupResult, { status: 'signed-out' | 'unavailable' }>;

export const unavailable = (reason: UnavailableReason, detail?: string): Failure =>
  detail ? { status: 'unavailable', reason, detail } : { status: 'unavailable', reason };

export function toPlatformPatient(resource: FhirPatient): PlatformPatient | undefined {
  const identifier = resource.identifier?.find((i) => i.system && insKindOf(i.system) && i.value);
  const official = resource.name?.find((n) => n.use === 'official') ?? resource.name?.[0];
  const birthPlace = resource.extension?.find(
    (e) => e.url === 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
  )?.valueAddress as { extension?: { valueCoding?: { code?: string } }[] } | undefined;
  const parsed = PlatformPatient.safeParse({
    id: resource.id,
    ins: identifier?.value,
    insKind: identifier?.system ? insKindOf(identifier.system) : undefined,
    birthName: official?.family,
    givenNames: official?.given?.join(' '),
    birthDate: resource.birthDate,
    sex: resource.gender,
    birthPlace: birthPlace?.extension?.[0]?.valueCoding?.code,
  });
  return parsed.success ? parsed.data : undefined;
}

/** What a call sends beyond the bearer token: a POST with a FHIR JSON body and/or headers. */
export interface Call {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
}

/** One call to the platform; a network failure or timeout is an `unavailable` reason. */
export async function request(url: URL, options: ClientOptions, call: Call = {}): Promise<Response | Failure> {
  const { method = 'GET', body, headers = {} } = call;
  try {
    return await (options.fetch ?? fetch)(url, {
      method,
      headers: {
        accept: 'application/fhir+json',
        authorization: `Bearer ${options.accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 8000),
      credentials: 'omit',
    });
  } catch (error) {
    return unavailable(error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'unreachable');
  }
}

/** The JSON body of an answer, or why it cannot be used (expired token, refusal, server error). */
export async function answer(res: Response): Promise<{ ok: true; body: unknown } | { ok: false; failure: Failure }> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, failure: unavailable('bad-response') };
  }
  if (res.status === 401) return { ok: false, failure: { status: 'signed-out', reason: 'expired' } };
  if (!res.ok) {
    const outcome = FhirOperationOutcome.safeParse(body);
    const detail = outcome.success ? outcome.data.issue[0]?.details?.text : undefined;
    if (res.status === 403) return { ok: false, failure: unavailable('forbidden', detail) };
    // The platform's own refusals (unknown, conflict, gone, wrong, too many): its words say why.
    if ([404, 409, 410, 422, 429].includes(res.status) && detail) {
      return { ok: false, failure: unavailable('refused', detail) };
    }
    return { ok: false, failure: unavailable(res.status >= 500 ? 'server' : 'bad-response', detail) };
  }
  return { ok: true, body };
}

export async function lookupPatient(rawIns: string, options: ClientOptions): Promise<LookupResult> {
  const check = checkIns(rawIns);
  if (!check.ok) return { status: 'invalid-ins', reason: check.reason };
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL('/fhir/Patient', options.baseUrl);
  url.searchParams.set('identifier', check.value);
  const res = await request(url, options);
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  if (!got.ok) return got.failure;
  const bundle = FhirSearchBundle.safeParse(got.body);
  if (!bundle.success) return unavailable('bad-response');
  const patients = (bundle.data.entry ?? []).filter((e) => e.resource.resourceType === 'Patient');
  if (patients.length === 0) return { status: 'unknown' };
  // Two records for one INS is a duplicate identity: an identity-vigilance event, not a choice.
  if (patients.length > 1) return unavailable('bad-response', 'Plusieurs patients pour cet INS.');
  const resource = FhirPatient.safeParse(patients[0]!.resource);
  const patient = resource.success ? toPlatformPatient(resource.data) : undefined;
  return patient ? { status: 'found', patient } : unavailable('bad-response');
}

/**
 * Tells the platform a session has opened (`GET /fhir/Practitioner/$me`, audited as a login).
 * Best effort: a platform that cannot be reached now is asked again with the next action.
 */
export async function announceSession(options: ClientOptions): Promise<boolean> {
  if (!options.accessToken) return false;
  const res = await request(new URL('/fhir/Practitioner/$me', options.baseUrl), options);
  if (res instanceof Response) await res.body?.cancel();
  return res instanceof Response && res.ok;
}

/**
 * Records with the platform that the professional confirmed this patient although the page's
 * traits differ, or the page does not show enough of them to compare (`POST /fhir/Patient/{id}/$confirm-identity`, audited). Only a recorded
 * confirmation counts: without the platform's acknowledgement, nothing is confirmed.
 */
export async function confirmIdentity(
  patientId: string,
  { traits, unverified }: { traits: readonly Trait[]; unverified: readonly Trait[] },
  options: ClientOptions & { now?: () => number },
): Promise<ConfirmResult> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(`/fhir/Patient/${encodeURIComponent(patientId)}/$confirm-identity`, options.baseUrl);
  const parameters = {
    resourceType: 'Parameters',
    parameter: [
      ...traits.map((t) => ({ name: 'trait', valueCode: t })),
      ...unverified.map((t) => ({ name: 'unverified', valueCode: t })),
    ],
  };
  const res = await request(url, options, { method: 'POST', body: parameters });
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  if (!got.ok) return got.failure;
  if (!FhirOperationOutcome.safeParse(got.body).success || !res.headers.get('x-audit-event')) {
    return unavailable('bad-response');
  }
  return {
    status: 'recorded',
    confirmation: { traits: [...traits], unverified: [...unverified], at: (options.now ?? Date.now)() },
  };
}
