/**
 * The one protocol of Passerelle: every message between extension contexts and every stored record
 * is parsed by a schema from this file before it is used (the platform's FHIR answers, read only by
 * the background, by `src/background/fhir-answers.ts`). The messages are all here; the shapes of
 * each workflow's results live beside it (`page.ts`, `care-team.ts`, `exams.ts`, `record.ts`, built from
 * `results.ts`) and are re-exported from here: import from this file.
 *
 *   content script ──context.detected──▶ background ◀──context.get / patient.lookup── panel
 *        ▲                                   │  ▲     ◀──auth.status / signIn / signOut── (extension
 *        └──────── panel.show / panel.hide ──┘  │                                          iframe)
 *                                               ├── fetch + bearer ──▶ platform (FHIR R4)
 *                                               └── OpenID Connect ──▶ Pro Santé Connect (popup)
 *
 * Who may send each message is said here too (`Senders`), and enforced by
 * `src/background/router.ts`. Unknown or malformed messages are dropped and logged, never acted on.
 */
import { z } from './zod.ts';
import { CareTeamResult, OutboxItem } from './care-team.ts';
import { CentreExam, ExamResult, ExamsResult, IssuedCode, ReportResult } from './exams.ts';
import { BreakGlassRequest, BreakGlassResult, RecordDocs, RecordSummary, RecordText, ReviewItem } from './record.ts';
import { DoneResult, httpUrl, resultOf, SignedOut, text, Unavailable } from './results.ts';
import { AuthStatus, Settings } from './session.ts';

export * from './care-team.ts';
export * from './page.ts';
export * from './exams.ts';
export * from './record.ts';
export * from './session.ts';
export { UnavailableReason } from './results.ts';
import {
  DetectedPatient,
  DetectedPatients,
  PageContext,
  PlatformPatient,
  ShareCodes,
  TamperReason,
  Tampered,
  DpiProfile,
  DpiProfiles,
  PreviewResult,
  Sites,
} from './page.ts';
import { TRAITS } from './traits.ts';
import { PROTOCOL_VERSION } from './version.ts';

export { PROTOCOL_VERSION };
const v = z.literal(PROTOCOL_VERSION);

/** A strict trait that can disagree between the page and the platform (`src/core/traits.ts`). */
export const Trait = z.enum(TRAITS);

/**
 * The professional confirmed this patient despite the differing traits; the platform recorded it
 * (`$confirm-identity`, audited). Kept in `storage.session` for the session's professional.
 */
export const IdentityConfirmation = z
  .object({
    /** The traits that differed. */
    traits: z.array(Trait).max(TRAITS.length),
    /** The traits the page did not show, so could not be compared. */
    unverified: z.array(Trait).max(TRAITS.length).default([]),
    at: z.number().int(),
  })
  .refine((c) => c.traits.length + c.unverified.length > 0);
export type IdentityConfirmation = z.infer<typeof IdentityConfirmation>;

export const LookupResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('found'), patient: PlatformPatient, confirmed: IdentityConfirmation.optional() }),
  z.object({ status: z.literal('unknown') }),
  z.object({ status: z.literal('invalid-ins'), reason: z.enum(['format', 'key']) }),
  SignedOut,
  Unavailable,
]);
export type LookupResult = z.infer<typeof LookupResult>;

export const ConfirmResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('recorded'), confirmation: IdentityConfirmation }),
  SignedOut,
  Unavailable,
]);
export type ConfirmResult = z.infer<typeof ConfirmResult>;

// ---------------------------------------------------------------------------------------------
// Messages. Requests carry `v` and `type`; each type has exactly one response schema.

export const ContextDetected = z.object({
  v,
  type: z.literal('context.detected'),
  patients: DetectedPatients,
  shareCodes: ShareCodes.default([]),
});
export const ContextGet = z.object({ v, type: z.literal('context.get') });
/** From the content script: it closed the panel because the page tampered with it. */
export const PanelTampered = z.object({ v, type: z.literal('panel.tampered'), why: TamperReason });
export const PatientLookup = z.object({ v, type: z.literal('patient.lookup'), ins: text(40) });
export const PanelClose = z.object({ v, type: z.literal('panel.close') });
export const SettingsGet = z.object({ v, type: z.literal('settings.get') });
export const SettingsSet = z.object({ v, type: z.literal('settings.set'), settings: Settings });
export const AuthStatusGet = z.object({ v, type: z.literal('auth.status') });
export const AuthSignIn = z.object({ v, type: z.literal('auth.signIn') });
export const AuthSignOut = z.object({ v, type: z.literal('auth.signOut') });
export const ProfilesGet = z.object({ v, type: z.literal('profiles.get') });
export const ProfilesSet = z.object({ v, type: z.literal('profiles.set'), profiles: DpiProfiles });
/** From a content script: the profiles for its own page (the background matches the sender's URL). */
export const ProfilesForPage = z.object({ v, type: z.literal('profiles.forPage') });
/** From the options page: what each selector of a profile being written reads on the open DPI page. */
export const ProfilesPreview = z.object({
  v,
  type: z.literal('profiles.preview'),
  urlPrefix: httpUrl,
  selectors: DpiProfile.shape.selectors.partial(),
});
export const SitesGet = z.object({ v, type: z.literal('sites.get') });
/** From the panel: the professional confirms a patient whose page traits differ (recorded first). */
export const IdentityConfirm = z
  .object({
    v,
    type: z.literal('identity.confirm'),
    patientId: text(64),
    /** The patient on screen when the button was pressed: the background refuses if the page now shows another. */
    seen: DetectedPatient,
    traits: z.array(Trait).max(TRAITS.length),
    unverified: z.array(Trait).max(TRAITS.length).default([]),
  })
  .refine((m) => m.traits.length + m.unverified.length > 0);
/** From the options page, after the browser granted the host permission for each added site. */
export const SitesSet = z.object({ v, type: z.literal('sites.set'), sites: Sites });

/** From the panel: read the circle, join it (one click), leave it. */
export const CareTeamGet = z.object({ v, type: z.literal('careTeam.get'), patientId: text(64) });
export const CareTeamJoin = z.object({
  v,
  type: z.literal('careTeam.join'),
  patientId: text(64),
  /** The patient on screen when the button was pressed: the background refuses if the page now shows another. */
  seen: DetectedPatient,
  asMt: z.boolean().optional(),
});
export const CareTeamLeave = z.object({
  v,
  type: z.literal('careTeam.leave'),
  patientId: text(64),
  /** The patient on screen when the button was pressed: the background refuses if the page now shows another. */
  seen: DetectedPatient,
});
/**
 * From the panel: the action asked by keyboard shortcut in this tab (`declare-care-team`), taken
 * once; it lapses after 30 seconds.
 */
export const IntentTake = z.object({ v, type: z.literal('intent.take') });
export const Intent = z.object({ action: z.literal('careTeam.join'), at: z.number().int() });
export type Intent = z.infer<typeof Intent>;
/** Share codes (issue 7): redeem one (typed, or found in the message); the exams one may open. */
export const ShareRedeem = z.object({ v, type: z.literal('share.redeem'), code: text(40) });
export const ShareExams = z.object({ v, type: z.literal('share.exams') });
export const ShareExam = z.object({ v, type: z.literal('share.exam'), examId: text(64) });
/** The imaging secretariat's page: the centre's exams and codes; issue, revoke, send by MSSanté. */
export const ShareCentreExams = z.object({ v, type: z.literal('share.centreExams') });
export const ShareIssue = z.object({
  v,
  type: z.literal('share.issue'),
  examId: text(64),
  singleUse: z.boolean(),
  days: z.number().int().min(1).max(365).optional(),
});
export const ShareRevoke = z.object({ v, type: z.literal('share.revoke'), codeId: text(64) });
export const ShareSend = z.object({ v, type: z.literal('share.send'), codeId: text(64), code: text(40) });
/** The shared record (issue 8): summary, documents, one document, break-glass start and end. */
export const RecordSummaryGet = z.object({
  v,
  type: z.literal('record.summary'),
  patientId: text(64),
  /** The patient on screen when the button was pressed: the background refuses if the page now shows another. */
  seen: DetectedPatient,
});
export const RecordDocumentsGet = z.object({
  v,
  type: z.literal('record.documents'),
  patientId: text(64),
  typeCode: z
    .string()
    .regex(/^[\d-]{3,10}$/)
    .optional(),
});
export const RecordDocumentGet = z.object({
  v,
  type: z.literal('record.document'),
  patientId: text(64),
  documentId: text(100),
});
export const RecordBreakGlassPrepare = BreakGlassRequest.extend({ v, type: z.literal('record.breakGlassPrepare') });
export const RecordBreakGlassPending = z.object({
  v,
  type: z.literal('record.breakGlassPending'),
  pendingId: z.uuid(),
});
export const RecordBreakGlass = z.object({ v, type: z.literal('record.breakGlass'), pendingId: z.uuid() });
export const RecordBreakGlassEnd = z.object({ v, type: z.literal('record.breakGlassEnd'), patientId: text(64) });
/** The privacy officer's review page. */
export const ReviewList = z.object({ v, type: z.literal('review.list'), reviewed: z.boolean().optional() });
export const ReviewMark = z.object({
  v,
  type: z.literal('review.mark'),
  id: text(64),
  comment: z.string().trim().min(1).max(2000),
});
export const ReviewCsv = z.object({ v, type: z.literal('review.csv') });
/**
 * From the panel: open one of the extension's pages in a tab (an exam's report, a record's
 * document). Firefox gives a framed extension page no `tabs`: the background opens it.
 */
export const PageOpen = z.object({
  v,
  type: z.literal('page.open'),
  page: z.enum(['report', 'document']),
  params: z.partialRecord(z.enum(['exam', 'patient', 'doc']), text(100)),
});
/** From the options page: the changes waiting or refused; forgetting a refused one. */
export const OutboxList = z.object({ v, type: z.literal('outbox.list') });
export const OutboxDismiss = z.object({ v, type: z.literal('outbox.dismiss'), key: z.string().min(8).max(200) });

export const Request = z.discriminatedUnion('type', [
  ContextDetected,
  ContextGet,
  PanelTampered,
  PatientLookup,
  PanelClose,
  SettingsGet,
  SettingsSet,
  AuthStatusGet,
  AuthSignIn,
  AuthSignOut,
  ProfilesGet,
  ProfilesSet,
  ProfilesForPage,
  ProfilesPreview,
  SitesGet,
  SitesSet,
  IdentityConfirm,
  CareTeamGet,
  CareTeamJoin,
  CareTeamLeave,
  OutboxList,
  OutboxDismiss,
  IntentTake,
  ShareRedeem,
  ShareExams,
  ShareExam,
  ShareCentreExams,
  ShareIssue,
  ShareRevoke,
  ShareSend,
  RecordSummaryGet,
  RecordDocumentsGet,
  RecordDocumentGet,
  RecordBreakGlassPrepare,
  RecordBreakGlassPending,
  RecordBreakGlass,
  RecordBreakGlassEnd,
  ReviewList,
  ReviewMark,
  ReviewCsv,
  PageOpen,
]);
export type Request = z.infer<typeof Request>;
export type RequestType = Request['type'];

const Ack = z.object({ ok: z.literal(true) });

export const Responses = {
  'context.detected': Ack,
  'context.get': z.object({ context: PageContext.nullable(), tampered: Tampered.optional() }),
  'panel.tampered': z.object({ ok: z.literal(true) }),
  'patient.lookup': LookupResult,
  'panel.close': Ack,
  'settings.get': Settings,
  'settings.set': Settings,
  'auth.status': AuthStatus,
  'auth.signIn': AuthStatus,
  'auth.signOut': AuthStatus,
  'profiles.get': DpiProfiles,
  'profiles.set': DpiProfiles,
  'profiles.forPage': DpiProfiles,
  'profiles.preview': PreviewResult,
  'sites.get': Sites,
  'sites.set': Sites,
  'identity.confirm': ConfirmResult,
  'careTeam.get': CareTeamResult,
  'careTeam.join': CareTeamResult,
  'careTeam.leave': CareTeamResult,
  'outbox.list': z.array(OutboxItem).max(1000),
  'outbox.dismiss': Ack,
  'intent.take': z.object({ intent: Intent.nullable() }),
  'share.redeem': ExamResult,
  'share.exams': ExamsResult,
  'share.exam': ReportResult,
  'share.centreExams': resultOf({ exams: z.array(CentreExam).max(500) }),
  'share.issue': resultOf({ issued: IssuedCode }),
  'share.revoke': DoneResult,
  'share.send': DoneResult,
  'record.summary': RecordSummary,
  'record.documents': RecordDocs,
  'record.document': RecordText,
  'record.breakGlass': BreakGlassResult,
  'record.breakGlassPrepare': resultOf({ pendingId: z.uuid() }),
  'record.breakGlassPending': z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), request: BreakGlassRequest }),
    z.object({ status: z.literal('none') }),
  ]),
  'record.breakGlassEnd': DoneResult,
  'review.list': resultOf({ sessions: z.array(ReviewItem).max(1000) }),
  'review.mark': DoneResult,
  'review.csv': resultOf({ csv: z.string().max(5_000_000) }),
  'page.open': Ack,
} satisfies Record<RequestType, z.ZodType>;

/**
 * Where a message may come from: a content script in a web page, or one of the extension's own
 * pages, named by its folder (`src/<page>/`). The panel is framed inside the host page: it gets
 * only what the panel needs; the review, the secretariat and the break-glass window keep theirs.
 */
export const PAGES = ['panel', 'options', 'report', 'document', 'secretariat', 'review', 'break-glass'] as const;
export type ExtensionPage = (typeof PAGES)[number];
export type From = 'content' | ExtensionPage;

/** Each message's senders: the router's allowlist is built from this, nothing else. */
export const Senders = {
  'context.detected': ['content'],
  'profiles.forPage': ['content'],
  'panel.tampered': ['content'],
  'context.get': ['panel'],
  'patient.lookup': ['panel'],
  'panel.close': ['panel'],
  'identity.confirm': ['panel'],
  'intent.take': ['panel'],
  'careTeam.get': ['panel'],
  'careTeam.join': ['panel'],
  'careTeam.leave': ['panel'],
  'share.redeem': ['panel'],
  'share.exams': ['panel'],
  'record.summary': ['panel'],
  'record.documents': ['panel'],
  'record.breakGlassPrepare': ['panel'],
  'record.breakGlassEnd': ['panel'],
  'page.open': ['panel'],
  'settings.get': ['options'],
  'settings.set': ['options'],
  'profiles.get': ['options'],
  'profiles.set': ['options'],
  'profiles.preview': ['options'],
  'sites.get': ['options'],
  'sites.set': ['options'],
  'outbox.list': ['options'],
  'outbox.dismiss': ['options'],
  'share.exam': ['report'],
  'record.document': ['document'],
  'share.centreExams': ['secretariat'],
  'share.issue': ['secretariat'],
  'share.revoke': ['secretariat'],
  'share.send': ['secretariat'],
  'review.list': ['review'],
  'review.mark': ['review'],
  'review.csv': ['review'],
  'record.breakGlassPending': ['break-glass'],
  'record.breakGlass': ['break-glass'],
  // Every page shows who is signed in and lets them sign in or out.
  'auth.status': PAGES,
  'auth.signIn': PAGES,
  'auth.signOut': PAGES,
} as const satisfies Record<RequestType, readonly From[]>;

export type ResponseOf<T extends RequestType> = z.infer<(typeof Responses)[T]>;
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

/**
 * Sent by the background to the content script of a tab's top frame (it accepts these only).
 * `launcher.show`: a patient was found in a sub-frame (a reading pane in an iframe).
 */
export type ContentCommand =
  | { v: typeof PROTOCOL_VERSION; type: 'panel.show' | 'panel.hide' | 'panel.toggle' | 'launcher.show' }
  /** What each selector reads on this page (the options page's preview of a banner profile). */
  | { v: typeof PROTOCOL_VERSION; type: 'profile.preview'; selectors: Partial<Record<string, string>> };
