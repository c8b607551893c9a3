/**
 * The shared record on the platform (issue 8), for the panel, the document page and the review
 * page. The platform decides every access; a refusal says whether break-glass is possible
 * (`X-Break-Glass`), an answer in which mode it was given (`X-Access-Mode`) and, in break-glass,
 * until when (`X-Break-Glass-Expires`).
 */
import { z } from 'zod';
import {
  AccessMode,
  RecordDoc,
  ReviewSession,
  type ReviewItem,
  type BreakGlassResult,
  type RecordDocs,
  type RecordSummary,
  type RecordText,
} from '../core/protocol.ts';
import type { BreakGlassMode } from '../core/break-glass.ts';
import { BreakGlassOption } from '../core/record.ts';
import { professionLabel } from '../core/psc.ts';
import { FhirOperationOutcome, FhirSearchBundle } from './fhir-answers.ts';
import { answer, request, unavailable, type ClientOptions, type Failure } from './platform-client.ts';

type Refused = { status: 'refused'; breakGlass: BreakGlassOption; detail: string };

interface Resource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}

/** The body of a granted answer and its access mode; or the refusal; or why nothing came. */
async function granted(
  res: Response | Failure,
): Promise<{ body: unknown; mode: AccessMode; expiresAt?: string } | Refused | Failure> {
  if (!(res instanceof Response)) return res;
  const option = res.headers.get('x-break-glass') as Refused['breakGlass'] | null;
  if (res.status === 403 && option && BreakGlassOption.options.includes(option as BreakGlassOption)) {
    const outcome = FhirOperationOutcome.safeParse(await res.json().catch(() => undefined));
    return { status: 'refused', breakGlass: option, detail: outcome.data?.issue[0]?.details?.text ?? '' };
  }
  const got = await answer(res);
  if (!got.ok) return got.failure;
  const mode = AccessMode.safeParse(res.headers.get('x-access-mode'));
  if (!mode.success) return unavailable('bad-response');
  const expiresAt = res.headers.get('x-break-glass-expires') ?? undefined;
  return { body: got.body, mode: mode.data, ...(expiresAt ? { expiresAt } : {}) };
}

const isAnswer = (
  r: Awaited<ReturnType<typeof granted>>,
): r is { body: unknown; mode: AccessMode; expiresAt?: string } => 'body' in r;

function toDoc(r: Resource): RecordDoc | undefined {
  const doc = r as {
    id?: string;
    description?: string;
    date?: string;
    type?: { coding?: { code?: string }[] };
    author?: { display?: string }[];
    custodian?: { display?: string };
  };
  return RecordDoc.safeParse({
    id: doc.id,
    title: doc.description,
    typeCode: doc.type?.coding?.[0]?.code,
    date: doc.date,
    author: doc.author?.[0]?.display,
    organization: doc.custodian?.display,
  }).data;
}

const resourcesOf = (body: unknown) =>
  ((body as { entry?: { resource?: Resource }[] }).entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));

export async function recordSummary(patientId: string, options: ClientOptions): Promise<RecordSummary> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(`/fhir/Patient/${encodeURIComponent(patientId)}/$summary`, options.baseUrl);
  const got = await granted(await request(url, options));
  if (!isAnswer(got)) return got;
  const resources = resourcesOf(got.body);
  const team = resources.find((r) => r.resourceType === 'CareTeam') as
    { participant?: { member?: { display?: string }; role?: { coding?: { code?: string }[] }[] }[] } | undefined;
  return {
    status: 'ok',
    mode: got.mode,
    ...(got.expiresAt ? { expiresAt: got.expiresAt } : {}),
    alerts: resources.flatMap((r) =>
      r.resourceType === 'Flag' ? [(r as { code?: { text?: string } }).code?.text ?? ''] : [],
    ),
    latest: resources.flatMap((r) => (r.resourceType === 'DocumentReference' ? (toDoc(r) ?? []) : [])),
    circle: (team?.participant ?? []).map((p) => ({
      name: p.member?.display ?? '',
      profession: professionLabel(p.role?.[0]?.coding?.[0]?.code ?? ''),
    })),
  };
}

export async function recordDocuments(
  patientId: string,
  typeCode: string | undefined,
  options: ClientOptions,
): Promise<RecordDocs> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(`/fhir/Patient/${encodeURIComponent(patientId)}/$documents`, options.baseUrl);
  if (typeCode) url.searchParams.set('type', typeCode);
  const got = await granted(await request(url, options));
  if (!isAnswer(got)) return got;
  if (!FhirSearchBundle.safeParse(got.body).success) return unavailable('bad-response');
  const documents = resourcesOf(got.body).flatMap((r) => toDoc(r) ?? []);
  return { status: 'ok', mode: got.mode, ...(got.expiresAt ? { expiresAt: got.expiresAt } : {}), documents };
}

export async function recordDocument(documentId: string, options: ClientOptions): Promise<RecordText> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(`/fhir/Binary/${encodeURIComponent(documentId)}`, options.baseUrl);
  const got = await granted(await request(url, options));
  if (!isAnswer(got)) return got;
  const data = (got.body as { data?: unknown }).data;
  if (typeof data !== 'string') return unavailable('bad-response');
  const text = new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
  return { status: 'ok', mode: got.mode, ...(got.expiresAt ? { expiresAt: got.expiresAt } : {}), text };
}

export async function startBreakGlass(
  patientId: string,
  request_: { mode: BreakGlassMode; reason: string; text: string },
  options: ClientOptions,
): Promise<BreakGlassResult> {
  if (!options.accessToken) return { status: 'signed-out' };
  const url = new URL(`/fhir/Patient/${encodeURIComponent(patientId)}/$break-glass`, options.baseUrl);
  const res = await request(url, options, {
    method: 'POST',
    body: {
      resourceType: 'Parameters',
      parameter: [
        { name: 'mode', valueCode: request_.mode },
        { name: 'reason', valueCode: request_.reason },
        { name: 'text', valueString: request_.text },
      ],
    },
  });
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  if (!got.ok) return got.failure;
  const parameters =
    (got.body as { parameter?: { name: string; valueCode?: string; valueInstant?: string }[] }).parameter ?? [];
  const mode = AccessMode.safeParse(parameters.find((p) => p.name === 'mode')?.valueCode);
  const expiresAt = parameters.find((p) => p.name === 'expires')?.valueInstant;
  return mode.success && expiresAt ? { status: 'ok', mode: mode.data, expiresAt } : unavailable('bad-response');
}

const post = async (url: URL, body: unknown, options: ClientOptions) => {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const res = await request(url, options, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  return got.ok ? { status: 'ok' as const } : got.failure;
};

export const endBreakGlass = (patientId: string, options: ClientOptions) =>
  post(new URL(`/fhir/Patient/${encodeURIComponent(patientId)}/$break-glass-end`, options.baseUrl), {}, options);

// The privacy officer's review.

export async function reviewList(reviewed: boolean | undefined, options: ClientOptions) {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const url = new URL('/review/break-glass', options.baseUrl);
  if (reviewed !== undefined) url.searchParams.set('reviewed', String(reviewed));
  const res = await request(url, options);
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  if (!got.ok) return got.failure;
  const list = z.array(z.unknown()).max(1000).safeParse(got.body);
  if (!list.success) return unavailable('bad-response');
  // Item by item: a session this page cannot read is listed as such, never drops the others.
  const sessions = list.data.map((item): ReviewItem => {
    const session = ReviewSession.safeParse(item);
    if (session.success) return session.data;
    const id = (item as { id?: unknown } | null)?.id;
    return { unreadable: true, id: typeof id === 'string' ? id.slice(0, 64) : null };
  });
  return { status: 'ok' as const, sessions };
}

export const reviewMark = (id: string, comment: string, options: ClientOptions) =>
  post(new URL(`/review/break-glass/${encodeURIComponent(id)}`, options.baseUrl), { comment }, options);

export async function reviewCsv(options: ClientOptions) {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const res = await request(new URL('/review/break-glass.csv', options.baseUrl), options);
  if (!(res instanceof Response)) return res;
  if (!res.ok) {
    const got = await answer(res);
    return got.ok ? unavailable('bad-response') : got.failure;
  }
  return { status: 'ok' as const, csv: await res.text() };
}
