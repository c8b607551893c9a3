/**
 * The shared record on the platform (issue 8), for the panel, the document page and the review
 * page. The platform decides every access; a refusal says whether break-glass is possible
 * (`X-Break-Glass`), an answer in which mode it was given (`X-Access-Mode`) and, in break-glass,
 * until when (`X-Break-Glass-Expires`).
 */
import { z } from '../core/zod.ts';
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
import { patientAmong } from './platform-client.ts';
import { acknowledged, callPlatform, segment, utf8, type ClientOptions } from './platform-call.ts';

type Refused = { status: 'refused'; breakGlass: BreakGlassOption; detail: string };

interface Resource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}

/** A refused record: `403` with `X-Break-Glass` saying whether break-glass is possible. */
const refusedRecord = (status: number, headers: Headers, body: unknown): Refused | undefined => {
  const option = BreakGlassOption.safeParse(headers.get('x-break-glass'));
  if (status !== 403 || !option.success) return undefined;
  const outcome = FhirOperationOutcome.safeParse(body);
  return { status: 'refused', breakGlass: option.data, detail: outcome.data?.issue[0]?.details?.text ?? '' };
};

/** How the record was opened (`X-Access-Mode`, and the break-glass session's end). */
const accessOf = (headers: Headers) => {
  const mode = AccessMode.safeParse(headers.get('x-access-mode'));
  if (!mode.success) return undefined;
  const expiresAt = headers.get('x-break-glass-expires') ?? undefined;
  return { mode: mode.data, ...(expiresAt ? { expiresAt } : {}) };
};

/** A read of the record: granted (with its access mode), refused (break-glass possible or not), or failed. */
const readRecord = <T extends object>(
  options: ClientOptions,
  path: string,
  read: (body: unknown) => T | undefined,
  query?: Record<string, string | undefined>,
) =>
  callPlatform(options, {
    path,
    ...(query ? { query } : {}),
    refused: refusedRecord,
    read: (body, headers) => {
      const access = accessOf(headers);
      const value = access && read(body);
      return value && { status: 'ok' as const, ...access, ...value };
    },
  });

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

export const recordSummary = (patientId: string, options: ClientOptions): Promise<RecordSummary> =>
  readRecord(options, `/fhir/Patient/${segment(patientId)}/$summary`, (body) => {
    const resources = resourcesOf(body);
    const team = resources.find((r) => r.resourceType === 'CareTeam') as
      { participant?: { member?: { display?: string }; role?: { coding?: { code?: string }[] }[] }[] } | undefined;
    return {
      alerts: resources.flatMap((r) =>
        r.resourceType === 'Flag' ? [(r as { code?: { text?: string } }).code?.text ?? ''] : [],
      ),
      latest: resources.flatMap((r) => (r.resourceType === 'DocumentReference' ? (toDoc(r) ?? []) : [])),
      circle: (team?.participant ?? []).map((p) => ({
        name: p.member?.display ?? '',
        profession: professionLabel(p.role?.[0]?.coding?.[0]?.code ?? ''),
      })),
    };
  });

export const recordDocuments = (
  patientId: string,
  typeCode: string | undefined,
  options: ClientOptions,
): Promise<RecordDocs> =>
  readRecord(
    options,
    `/fhir/Patient/${segment(patientId)}/$documents`,
    (body) =>
      FhirSearchBundle.safeParse(body).success
        ? { documents: resourcesOf(body).flatMap((r) => toDoc(r) ?? []) }
        : undefined,
    { type: typeCode },
  );

/** A document as its page shows it (`$document`): its patient, what it is, and its text. */
export const recordDocument = (patientId: string, documentId: string, options: ClientOptions): Promise<RecordText> =>
  readRecord(
    options,
    `/fhir/Patient/${segment(patientId)}/$document`,
    (body) => {
      const resources = resourcesOf(body);
      const patient = patientAmong(resources);
      const reference = resources.find((r) => r.resourceType === 'DocumentReference');
      const document = reference && toDoc(reference);
      const data = (reference as { content?: { attachment?: { data?: unknown } }[] } | undefined)?.content?.[0]
        ?.attachment?.data;
      return patient && document && typeof data === 'string' ? { text: utf8(data), document, patient } : undefined;
    },
    { document: documentId },
  );

const BreakGlassAnswer = z.object({
  parameter: z.array(
    z.object({ name: z.string(), valueCode: z.string().optional(), valueInstant: z.string().optional() }),
  ),
});

export const startBreakGlass = (
  patientId: string,
  request: { mode: BreakGlassMode; reason: string; text: string },
  options: ClientOptions,
): Promise<BreakGlassResult> =>
  callPlatform(options, {
    path: `/fhir/Patient/${segment(patientId)}/$break-glass`,
    method: 'POST',
    body: {
      resourceType: 'Parameters',
      parameter: [
        { name: 'mode', valueCode: request.mode },
        { name: 'reason', valueCode: request.reason },
        { name: 'text', valueString: request.text },
      ],
    },
    read: (body) => {
      const parameters = BreakGlassAnswer.safeParse(body).data?.parameter ?? [];
      const mode = AccessMode.safeParse(parameters.find((p) => p.name === 'mode')?.valueCode);
      const expiresAt = parameters.find((p) => p.name === 'expires')?.valueInstant;
      return mode.success && expiresAt ? { status: 'ok' as const, mode: mode.data, expiresAt } : undefined;
    },
  });

export const endBreakGlass = (patientId: string, options: ClientOptions) =>
  callPlatform(options, {
    path: `/fhir/Patient/${segment(patientId)}/$break-glass-end`,
    method: 'POST',
    body: { resourceType: 'Parameters' },
    read: acknowledged,
  });

// The privacy officer's review (the platform's JSON API).

export const reviewList = (reviewed: boolean | undefined, options: ClientOptions) =>
  callPlatform(options, {
    path: '/review/break-glass',
    query: { reviewed: reviewed === undefined ? undefined : String(reviewed) },
    read: (body) => {
      const list = z.array(z.unknown()).max(1000).safeParse(body);
      if (!list.success) return undefined;
      // Item by item: a session this page cannot read is listed as such, never drops the others.
      const sessions = list.data.map((item): ReviewItem => {
        const session = ReviewSession.safeParse(item);
        if (session.success) return session.data;
        const id = (item as { id?: unknown } | null)?.id;
        return { unreadable: true, id: typeof id === 'string' ? id.slice(0, 64) : null };
      });
      return { status: 'ok' as const, sessions };
    },
  });

export const reviewMark = (id: string, comment: string, options: ClientOptions) =>
  callPlatform(options, {
    path: `/review/break-glass/${segment(id)}`,
    method: 'POST',
    body: { comment },
    plainJson: true,
    read: acknowledged,
  });

export const reviewCsv = (options: ClientOptions) =>
  callPlatform(options, {
    path: '/review/break-glass.csv',
    text: true,
    read: (csv) => (typeof csv === 'string' ? { status: 'ok' as const, csv } : undefined),
  });
