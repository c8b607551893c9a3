/**
 * Imaging exams and share codes on the platform (issue 7), for the panel, the report page and the
 * secretariat page. A typed code is checked here first (format and check symbol): a mistyped one
 * never reaches the network. The exam's `DocumentReference` carries the report (plain text, inline)
 * and the images link (`server/fhir/document-reference.ts`).
 */
import { z } from 'zod';
import { CentreExam, Exam, IssuedCode, type ExamResult, type ExamsResult } from '../core/protocol.ts';
import { CODE_PROBLEMS, parseCode } from '../core/share-code.ts';
import { FhirSearchBundle } from './fhir-answers.ts';
import { answer, request, unavailable, type ClientOptions } from './platform-client.ts';

const FhirDocumentReference = z.looseObject({
  resourceType: z.literal('DocumentReference'),
  id: z.string(),
  date: z.string().optional(),
  description: z.string().optional(),
  subject: z.object({ reference: z.string() }).optional(),
  custodian: z.object({ display: z.string().optional() }).optional(),
  content: z
    .array(z.object({ attachment: z.looseObject({ data: z.string().optional(), url: z.string().optional() }) }))
    .optional(),
});

/** Base64 of UTF-8 text, decoded. */
const utf8 = (base64: string) => new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));

/** The exam a DocumentReference describes; with its report and images when `withContent`. */
export function toExam(body: unknown, baseUrl: string, withContent: boolean): Exam | undefined {
  const doc = FhirDocumentReference.safeParse(body);
  if (!doc.success) return undefined;
  const { data } = doc;
  const report = data.content?.find((c) => c.attachment.data)?.attachment.data;
  const images = data.content?.find((c) => c.attachment.url)?.attachment.url;
  const exam = Exam.safeParse({
    id: data.id,
    title: data.description ?? 'Examen d’imagerie',
    date: data.date ?? '',
    organization: data.custodian?.display,
    patientId: data.subject?.reference.replace(/^Patient\//, '') ?? '',
    ...(withContent && report ? { report: utf8(report) } : {}),
    ...(withContent && images ? { imagesUrl: new URL(images, baseUrl).href } : {}),
  });
  return exam.success ? exam.data : undefined;
}

const json = async <T>(res: Response | Awaited<ReturnType<typeof request>>, map: (body: unknown) => T | undefined) => {
  if (!(res instanceof Response)) return res;
  const got = await answer(res);
  if (!got.ok) return got.failure;
  const value = map(got.body);
  return value === undefined ? unavailable('bad-response') : { status: 'ok' as const, value };
};

export async function redeemCode(input: string, options: ClientOptions): Promise<ExamResult> {
  const parsed = parseCode(input);
  if (!parsed.ok) return unavailable('refused', CODE_PROBLEMS[parsed.reason]);
  if (!options.accessToken) return { status: 'signed-out' };
  const res = await request(new URL('/fhir/$redeem-share-code', options.baseUrl), options, {
    method: 'POST',
    body: { resourceType: 'Parameters', parameter: [{ name: 'code', valueString: parsed.code }] },
  });
  const got = await json(res, (body) => toExam(body, options.baseUrl, false));
  return got.status === 'ok' ? { status: 'ok', exam: got.value } : got;
}

export async function grantedExams(options: ClientOptions): Promise<ExamsResult> {
  if (!options.accessToken) return { status: 'signed-out' };
  const res = await request(new URL('/fhir/DocumentReference', options.baseUrl), options);
  const got = await json(res, (body) => {
    const bundle = FhirSearchBundle.safeParse(body);
    if (!bundle.success) return undefined;
    return (bundle.data.entry ?? []).flatMap((e) => toExam(e.resource, options.baseUrl, false) ?? []);
  });
  return got.status === 'ok' ? { status: 'ok', exams: got.value } : got;
}

export async function readExam(id: string, options: ClientOptions): Promise<ExamResult> {
  if (!options.accessToken) return { status: 'signed-out' };
  const res = await request(new URL(`/fhir/DocumentReference/${encodeURIComponent(id)}`, options.baseUrl), options);
  const got = await json(res, (body) => toExam(body, options.baseUrl, true));
  return got.status === 'ok' ? { status: 'ok', exam: got.value } : got;
}

// The imaging secretariat's page.

export async function centreExams(options: ClientOptions) {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const res = await request(new URL('/share/exams', options.baseUrl), options);
  const got = await json(res, (body) => z.array(CentreExam).max(500).safeParse(body).data);
  return got.status === 'ok' ? { status: 'ok' as const, exams: got.value } : got;
}

export async function issueCode(examId: string, body: { singleUse: boolean; days?: number }, options: ClientOptions) {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const url = new URL(`/share/exams/${encodeURIComponent(examId)}/codes`, options.baseUrl);
  const res = await request(url, options, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const got = await json(res, (answer) => IssuedCode.safeParse(answer).data);
  return got.status === 'ok' ? { status: 'ok' as const, issued: got.value } : got;
}

const codeAction = async (url: URL, body: unknown, options: ClientOptions) => {
  if (!options.accessToken) return { status: 'signed-out' as const };
  const res = await request(url, options, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const got = await json(res, () => true);
  return got.status === 'ok' ? { status: 'ok' as const } : got;
};

export const revokeCode = (id: string, options: ClientOptions) =>
  codeAction(new URL(`/share/codes/${encodeURIComponent(id)}/revoke`, options.baseUrl), {}, options);

export const sendCode = (id: string, code: string, options: ClientOptions) =>
  codeAction(new URL(`/share/codes/${encodeURIComponent(id)}/send`, options.baseUrl), { code }, options);
