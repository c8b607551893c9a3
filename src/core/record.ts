/**
 * The shared record (issue 8) as the extension's pages see it, mapped from the platform by
 * `src/background/record-client.ts`; part of the protocol (`protocol.ts` re-exports).
 */
import { z } from './zod.ts';
import { BREAK_GLASS_TEXT, BreakGlassMode, BreakGlassReason } from './break-glass.ts';
import { DetectedPatient, PlatformPatient } from './page.ts';
import { resultOf, text } from './results.ts';

export const AccessMode = z.enum(['normal', 'bris_de_glace', 'centre_15']);
export type AccessMode = z.infer<typeof AccessMode>;
/** When the record is refused: whether break-glass is possible (`X-Break-Glass`; the platform decides). */
export const BreakGlassOption = z.enum(['possible', 'opposed', 'not-physician']);
export type BreakGlassOption = z.infer<typeof BreakGlassOption>;
export const RecordDoc = z.object({
  id: text(100),
  title: text(300),
  /** LOINC document type. */
  typeCode: text(20),
  date: z.string().max(40),
  author: text(200).optional(),
  organization: text(200).optional(),
});
export type RecordDoc = z.infer<typeof RecordDoc>;
/** Why the record was refused, and whether break-glass is possible (the platform decides). */
const RecordRefused = z.object({
  status: z.literal('refused'),
  breakGlass: BreakGlassOption,
  detail: z.string().max(500),
});
const Access = { mode: AccessMode, expiresAt: z.string().max(40).optional() };
export const RecordSummary = resultOf(
  {
    ...Access,
    alerts: z.array(text(500)).max(100),
    latest: z.array(RecordDoc).max(100),
    circle: z.array(z.object({ name: text(200), profession: text(100) })).max(500),
  },
  RecordRefused,
);
export type RecordSummary = z.infer<typeof RecordSummary>;
export const RecordDocs = resultOf({ ...Access, documents: z.array(RecordDoc).max(1000) }, RecordRefused);
export type RecordDocs = z.infer<typeof RecordDocs>;
/** A document as its page shows it: its text, what it is, and its patient (the page's identity banner). */
export const RecordText = resultOf(
  { ...Access, text: z.string().max(500_000), document: RecordDoc, patient: PlatformPatient },
  RecordRefused,
);
export type RecordText = z.infer<typeof RecordText>;
export { BreakGlassReason } from './break-glass.ts';
export const BreakGlassResult = resultOf({ mode: AccessMode, expiresAt: z.string().max(40) });
export type BreakGlassResult = z.infer<typeof BreakGlassResult>;

/** What became of an MSSanté message: waiting, taken by the gateway, delivered, read, or failed (with why). */
export const MailState = z.object({
  state: z.enum(['pending', 'sent', 'delivered', 'read', 'failed']),
  at: z.string().max(40),
  error: z.string().max(500).nullable(),
  /** Not read after the platform's delay (`MSSANTE_UNREAD_HOURS`). */
  unread: z.boolean().optional(),
});
export type MailState = z.infer<typeof MailState>;

/** A break-glass session as the privacy officer reviews it. */
export const ReviewSession = z.object({
  id: text(64),
  actor: z.object({ idNps: text(40), name: text(200) }),
  patient: z.object({ id: text(64), name: text(300), birthDate: z.string().max(10) }),
  mode: text(40),
  reason: z.object({ code: text(40), label: text(200), text: z.string().max(500) }),
  startedAt: z.string().max(40),
  endedAt: z.string().max(40).nullable(),
  minutes: z.number().int().nullable(),
  documents: z.array(z.object({ title: text(300), at: z.string().max(40) })).max(1000),
  /** Every review so far, oldest first: none is overwritten. */
  reviews: z
    .array(z.object({ at: z.string().max(40), by: z.string().max(200), comment: z.string().max(2000) }))
    .max(100),
  /** What the platform could not read in the stored session (French): shown, never hidden. */
  problems: z.array(z.string().max(300)).max(20),
  /** The patient's MSSanté notice of this access: as far as it went (sent, delivered, read, failed). */
  patientNotice: MailState.nullable().optional(),
});
export type ReviewSession = z.infer<typeof ReviewSession>;
/** A session the extension could not read either: listed all the same, so that nothing is hidden. */
export const UnreadableSession = z.object({ unreadable: z.literal(true), id: z.string().max(64).nullable() });
export const ReviewItem = z.union([ReviewSession, UnreadableSession]);
export type ReviewItem = z.infer<typeof ReviewItem>;

/**
 * Break-glass in two places (issue 15): the panel, inside the host page, only prepares the request;
 * the final confirmation happens in an extension window the page cannot reach (`src/break-glass/`),
 * which alone may send `record.breakGlass`, naming the prepared request.
 */
export const BreakGlassRequest = z.object({
  patientId: text(64),
  /** The patient on screen when the request was prepared: refused if the page shows another. */
  seen: DetectedPatient,
  mode: BreakGlassMode,
  reason: BreakGlassReason,
  text: z.string().trim().min(BREAK_GLASS_TEXT.min).max(BREAK_GLASS_TEXT.max),
});
export type BreakGlassRequest = z.infer<typeof BreakGlassRequest>;
