import type { Generated } from 'kysely';

/** Identity status of the INS referential: only `QUAL` lets the matricule travel (docs/domain.md). */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

export interface PatientTable {
  id: string;
  ins: string;
  ins_system: string;
  identity_status: IdentityStatus;
  birth_name: string;
  /** Full list of birth given names, space-separated, first one first. */
  given_names: string;
  used_name: string | null;
  birth_date: string;
  sex: 'female' | 'male';
  /** INSEE code of the birth place. */
  birth_place: string | null;
  created_at: Generated<string>;
}

export interface PractitionerTable {
  id: string;
  /** IDNPS (`SubjectNameID`), the key: `8` + RPPS or `0` + ADELI. */
  idnps: string;
  rpps: string | null;
  title: string | null;
  family_name: string;
  given_name: string | null;
  mssante: string | null;
  organization: string | null;
  first_seen: string;
  updated_at: string;
}

export interface PractitionerRoleTable {
  id: string;
  practitioner_id: string;
  /** TRE_G15 profession code. */
  profession_code: string;
  organization: string | null;
  /** 1 while the token lists the profession, 0 after (kept: other records may point at the role). */
  active: number;
}

export interface AuditEventTable {
  /** Position in the chain, from 1, without gaps. */
  seq: number;
  id: string;
  recorded: string;
  /** What happened (`server/audit/events.ts`): `login`, `patient-search`, … */
  kind: string;
  patient_id: string | null;
  agent_idnps: string | null;
  /** TRE_R248 access mode: `normal`, `bris_de_glace`, `centre_15`. */
  mode: string;
  /** FHIR AuditEvent.outcome: `0` success, `4` minor failure, `8` serious failure. */
  outcome: string;
  /** The FHIR R4 AuditEvent, as RFC 8785 canonical JSON. */
  resource: string;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointTable {
  seq: number;
  hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

export interface AuditKeyTable {
  key_id: string;
  public_jwk: string;
  created_at: string;
}

/** One participation of a professional's role in a patient's care circle (ANS `CDSCareTeam`). */
export interface CareParticipationTable {
  id: string;
  patient_id: string;
  practitioner_role_id: string;
  start: string;
  /** Null while the professional is a member. */
  end: string | null;
  /** Function in the circle (TRE_R259 `PCP`: médecin traitant), or null. */
  function_code: string | null;
}

/** The answer given to a request carrying an `Idempotency-Key`, kept to answer its replays. */
export interface IdempotencyKeyTable {
  idnps: string;
  key: string;
  /** What was asked (method, route, patient): the same key for another request is refused. */
  request: string;
  status: number;
  response: string;
  created_at: string;
}

/** An imaging exam: its report and the link to its images (issue 7). */
export interface ImagingExamTable {
  id: string;
  patient_id: string;
  performed_at: string;
  /** DICOM modality (CT, MR, US, CR…). */
  modality: string;
  title: string;
  /** The report, plain text. */
  report: string;
  images_url: string;
  /** The imaging centre's name, as shown. */
  organization: string;
  /** Its FINESS: whose exam it is (the secretariat's list, the codes it may revoke or send). */
  organization_id: string | null;
  prescriber_name: string | null;
  prescriber_mssante: string | null;
}

/** A share code, known only by keyed hashes of its locator and of the whole code. */
export interface ShareCodeTable {
  id: string;
  exam_id: string;
  locator_hash: string;
  code_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  single_use: number;
  /** `active`, `revoked`, `used` (single use) or `locked`; expiry is read from `expires_at`. */
  status: string;
  /** Wrong attempts against the code in its lifetime (shown to the secretariat). */
  wrong_attempts: number;
  revoked_at: string | null;
  sent_to: string | null;
}

/** Wrong codes, per professional and address: the throttle's memory. */
export interface ShareAttemptTable {
  /** Given by the database. */
  id: Generated<number>;
  at: string;
  idnps: string;
  address: string;
  /** The live code the attempt's locator named, if any. */
  code_id: string | null;
}

/** Lasting access to an exam, granted by redeeming its code. */
export interface ExamAccessTable {
  exam_id: string;
  idnps: string;
  granted_at: string;
  share_code_id: string;
}

/** A document of a patient's shared record (issue 8); the patient may mask it. */
export interface RecordDocumentTable {
  id: string;
  patient_id: string;
  /** LOINC document type. */
  type_code: string;
  type_display: string;
  title: string;
  date: string;
  author: string;
  organization: string;
  /** The document itself, plain text. */
  content: string;
  masked: number;
}

/** An alert of the record (allergy, major risk) shown first in the summary. */
export interface RecordAlertTable {
  id: string;
  patient_id: string;
  text: string;
}

/** The patient's choices: who may open their record, and whether break-glass is allowed. */
export interface ConsentTable {
  patient_id: string;
  /** 1: members of the care circle may open the record; 0: nobody but in break-glass. */
  circle_access: number;
  /** 1: the patient opposed break-glass access. */
  break_glass_opposed: number;
  updated_at: string;
}

/** A break-glass session: reasoned, time-boxed, scoped to one professional and one patient. */
export interface BreakGlassTable {
  id: string;
  patient_id: string;
  idnps: string;
  actor_name: string;
  /** TRE_R248 access mode: `bris_de_glace` or `centre_15`. */
  mode: string;
  reason_code: string;
  reason_text: string;
  started_at: string;
  expires_at: string;
  ended_at: string | null;
}

/** One review of a break-glass session by an audit reader; a session may have several. */
export interface BreakGlassReviewTable {
  id: string;
  break_glass_id: string;
  at: string;
  reviewer_idnps: string;
  reviewer_name: string;
  comment: string;
}

/** A document opened during a break-glass session, for the review. */
export interface BreakGlassReadTable {
  break_glass_id: string;
  document_id: string;
  at: string;
}

/** What the patient is told (break-glass accesses), shown in their page. */
export interface PatientNotificationTable {
  id: string;
  patient_id: string;
  at: string;
  text: string;
}

/** A sign-in in progress at Pro Santé Connect, started by the extension (`/auth/start`). */
export interface LoginRequestTable {
  /** The `state` sent to PSC. */
  state: string;
  nonce: string;
  /** The platform's own PKCE verifier at PSC. */
  code_verifier: string;
  /** Where the extension waits (`identity.getRedirectURL()`), its `state` and its PKCE challenge. */
  client_redirect_uri: string;
  client_state: string;
  client_code_challenge: string;
  expires_at: string;
}

/**
 * The extension's session at the platform. PSC's tokens stay here; the extension holds opaque
 * tokens, stored only as SHA-256 hashes, usable only with the DPoP key whose thumbprint is `jkt`.
 */
export interface PlatformSessionTable {
  id: string;
  idnps: string;
  /** The professional as PSC described them (JSON, `Professional`). */
  professional: string;
  psc_sid: string | null;
  psc_refresh_token: string | null;
  client_redirect_uri: string;
  client_code_challenge: string;
  /** The one-time code given to the extension's redirect URI, until exchanged. */
  code_hash: string | null;
  code_expires_at: string | null;
  jkt: string | null;
  access_hash: string | null;
  access_expires_at: string | null;
  refresh_hash: string | null;
  /** The refresh token replaced last: presented again, it is a replay and ends the session. */
  previous_refresh_hash: string | null;
  created_at: string;
  /** The session's end, however often it is refreshed. */
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** An MSSanté message on its way: kept whole (RFC 5322) until the gateway took it or refused it. */
export interface MailOutboxTable {
  id: string;
  /** Its `Message-ID`: the same at every attempt, so that a gateway can tell a retry from a new message. */
  message_id: string;
  kind: 'share-code' | 'break-glass-notice';
  /** What it is about: the share code's id, the break-glass session's id. */
  ref: string;
  recipient: string;
  raw: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_at: string;
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
  /** The gateway's last answer when it did not take the message, or a failure reported later. */
  error: string | null;
  /** When a delivery notification (RFC 3464) and a read notification (RFC 8098) said so. */
  delivered_at: string | null;
  read_at: string | null;
}

export interface Database {
  mail_outbox: MailOutboxTable;
  login_request: LoginRequestTable;
  platform_session: PlatformSessionTable;
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_key: AuditKeyTable;
  patient: PatientTable;
  practitioner: PractitionerTable;
  practitioner_role: PractitionerRoleTable;
  care_participation: CareParticipationTable;
  idempotency_key: IdempotencyKeyTable;
  imaging_exam: ImagingExamTable;
  share_code: ShareCodeTable;
  share_attempt: ShareAttemptTable;
  exam_access: ExamAccessTable;
  record_document: RecordDocumentTable;
  record_alert: RecordAlertTable;
  consent: ConsentTable;
  break_glass: BreakGlassTable;
  break_glass_read: BreakGlassReadTable;
  break_glass_review: BreakGlassReviewTable;
  patient_notification: PatientNotificationTable;
  platform_lease: PlatformLeaseTable;
  dpop_proof: DpopProofTable;
  patient_page_session: PatientPageSessionTable;
}

/** A task one platform instance at a time does (the break-glass sweep…), held until `until`. */
export interface PlatformLeaseTable {
  name: string;
  holder: string;
  until: string;
}

/** A DPoP proof seen (`thumbprint:jti`), refused again until `until` (several instances). */
export interface DpopProofTable {
  jti: string;
  until: string;
}

/** The demo patient page's sessions: the SHA-256 of the cookie's token, never the token. */
export interface PatientPageSessionTable {
  token_hash: string;
  patient_id: string;
  until: string;
}
