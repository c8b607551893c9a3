/**
 * Imaging exams and share codes on the platform (issue 7), for the panel, the report page and the
 * secretariat page. A typed code is checked here first (format and check symbol): a mistyped one
 * never reaches the network. The exam's `DocumentReference` carries the report (plain text, inline)
 * and the images link (`server/fhir/document-reference.ts`).
 */
import { z } from '../core/zod.ts';
import {
  CentreExam,
  Exam,
  EXAM_NOT_FOUND,
  IssuedCode,
  type ExamResult,
  type ExamsResult,
  type ReportResult,
} from '../core/protocol.ts';
import { CODE_PROBLEMS, parseCode } from '../core/share-code.ts';
import { FhirSearchBundle } from './fhir-answers.ts';
import { patientAmong } from './platform-client.ts';
import { acknowledged, callPlatform, segment, unavailable, utf8, type ClientOptions } from './platform-call.ts';

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

export async function redeemCode(input: string, options: ClientOptions): Promise<ExamResult> {
  const parsed = parseCode(input);
  if (!parsed.ok) return unavailable('refused', CODE_PROBLEMS[parsed.reason]);
  return callPlatform(options, {
    path: '/fhir/$redeem-share-code',
    method: 'POST',
    body: { resourceType: 'Parameters', parameter: [{ name: 'code', valueString: parsed.code }] },
    read: (body) => examResult(toExam(body, options.baseUrl, false)),
  });
}

const examResult = (exam: Exam | undefined): ExamResult | undefined => exam && { status: 'ok', exam };

export const grantedExams = (options: ClientOptions): Promise<ExamsResult> =>
  callPlatform(options, {
    path: '/fhir/DocumentReference',
    read: (body) => {
      const bundle = FhirSearchBundle.safeParse(body);
      if (!bundle.success) return undefined;
      const exams = (bundle.data.entry ?? []).flatMap((e) => toExam(e.resource, options.baseUrl, false) ?? []);
      return { status: 'ok' as const, exams };
    },
  });

/** An exam for its report page: the report and images, and its patient (one audited read). */
export const readExam = (id: string, options: ClientOptions): Promise<ReportResult> =>
  callPlatform(options, {
    path: '/fhir/DocumentReference',
    query: { _id: id, _include: 'DocumentReference:subject' },
    read: (body) => {
      const bundle = FhirSearchBundle.safeParse(body);
      if (!bundle.success) return undefined;
      const resources = (bundle.data.entry ?? []).map((e) => e.resource);
      if (resources.length === 0) return unavailable('refused', EXAM_NOT_FOUND);
      const exam = toExam(
        resources.find((r) => (r as { resourceType?: string }).resourceType === 'DocumentReference'),
        options.baseUrl,
        true,
      );
      const patient = patientAmong(resources);
      return exam && patient && { status: 'ok' as const, exam, patient };
    },
  });

// The imaging secretariat's page (the platform's JSON API).

const CentreExams = z.array(CentreExam).max(500);

export const centreExams = (options: ClientOptions) =>
  callPlatform(options, {
    path: '/share/exams',
    read: (body) => {
      const exams = CentreExams.safeParse(body);
      return exams.success ? { status: 'ok' as const, exams: exams.data } : undefined;
    },
  });

export const issueCode = (examId: string, body: { singleUse: boolean; days?: number }, options: ClientOptions) =>
  callPlatform(options, {
    path: `/share/exams/${segment(examId)}/codes`,
    method: 'POST',
    body,
    plainJson: true,
    read: (answer) => {
      const issued = IssuedCode.safeParse(answer);
      return issued.success ? { status: 'ok' as const, issued: issued.data } : undefined;
    },
  });

export const revokeCode = (id: string, options: ClientOptions) =>
  callPlatform(options, {
    path: `/share/codes/${segment(id)}/revoke`,
    method: 'POST',
    body: {},
    plainJson: true,
    read: acknowledged,
  });

export const sendCode = (id: string, code: string, options: ClientOptions) =>
  callPlatform(options, {
    path: `/share/codes/${segment(id)}/send`,
    method: 'POST',
    body: { code },
    plainJson: true,
    read: acknowledged,
  });
