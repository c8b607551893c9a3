/**
 * Imaging exams and share codes (issue 7) as the extension's pages see them, mapped from the
 * platform by `src/background/share-client.ts`; part of the protocol (`protocol.ts` re-exports).
 */
import { z } from './zod.ts';
import { PlatformPatient } from './page.ts';
import { MailState } from './record.ts';
import { httpUrl, resultOf, text } from './results.ts';

/** An imaging exam the professional may open; `report` only when opened (the report page). */
export const Exam = z.object({
  id: text(64),
  title: text(300),
  date: z.string().max(40),
  organization: text(200).optional(),
  patientId: text(64),
  report: z.string().max(200_000).optional(),
  imagesUrl: httpUrl.optional(),
});
export type Exam = z.infer<typeof Exam>;
export const ExamResult = resultOf({ exam: Exam });
export type ExamResult = z.infer<typeof ExamResult>;
/** Said when an exam is unknown or not shared with the professional: the platform answers both alike. */
export const EXAM_NOT_FOUND = 'Examen introuvable ou non partagé avec vous.';
/** An exam as its report page shows it: with its patient, as the platform holds them (the page's identity banner). */
export const ReportResult = resultOf({ exam: Exam, patient: PlatformPatient });
export type ReportResult = z.infer<typeof ReportResult>;
export const ExamsResult = resultOf({ exams: z.array(Exam).max(500) });
export type ExamsResult = z.infer<typeof ExamsResult>;

/** A share code's status, as the secretariat sees it (`server/share/codes.ts` decides it). */
export const CodeStatus = z.enum(['active', 'expired', 'locked', 'revoked', 'used']);
export type CodeStatus = z.infer<typeof CodeStatus>;

/** The secretariat's view of an exam of the centre and its codes (never the codes themselves). */
export const CentreExam = z.object({
  id: text(64),
  title: text(300),
  performedAt: z.string().max(40),
  patient: z.object({ birthName: text(100), givenNames: text(200), birthDate: z.iso.date() }),
  prescriber: text(200).nullable(),
  prescriberMssante: z.email().max(200).nullable(),
  codes: z
    .array(
      z.object({
        id: text(64),
        createdAt: z.string().max(40),
        expiresAt: z.string().max(40),
        singleUse: z.boolean(),
        status: CodeStatus,
        wrongAttempts: z.number().int(),
        sentTo: z.string().max(200).nullable(),
        /** Its MSSanté message: waiting, taken by the gateway, delivered, read, or failed (with the words of whoever refused it). */
        mail: MailState.nullable().optional(),
        /** When the exam was first opened with it, and by whom. */
        firstUse: z
          .object({ at: z.string().max(40), by: text(300) })
          .nullable()
          .optional(),
      }),
    )
    .max(1000),
});
export type CentreExam = z.infer<typeof CentreExam>;
export const IssuedCode = z.object({
  id: text(64),
  code: text(40),
  expiresAt: z.string().max(40),
  singleUse: z.boolean(),
});
export type IssuedCode = z.infer<typeof IssuedCode>;
