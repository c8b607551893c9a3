/**
 * What each audited action looks like as a FHIR R4 AuditEvent (docs/domain.md "FHIR R4 shapes"):
 * reads and searches follow IHE BALP (type `rest`, subtype the FHIR interaction, agents user /
 * client / server, patient entity); break-glass uses DICOM 110113 "Security Alert" with
 * 110127 / 110138 and `v3-ActReason` ETREAT + BTG. The access mode (TRE_R248: `normal`,
 * `bris_de_glace`, `centre_15`) is an extension, and a column for searching.
 */
import { AccessMode } from '../../src/core/record.ts';
import type { Professional } from '../../src/core/protocol.ts';
import { IDNPS_SYSTEM, PROFESSION_SYSTEM, professionLabel } from '../../src/core/psc.ts';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const ACCESS_MODE_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.248';
export const ACCESS_MODE_EXTENSION = 'https://passerelle.example/fhir/StructureDefinition/access-mode';

export const ACCESS_MODES = AccessMode.options;
export type { AccessMode };

interface Coding {
  system: string;
  code: string;
  display: string;
}

interface KindShape {
  type: Coding;
  subtype: Coding;
  /** C create, R read, U update, D delete, E execute. */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** French label, for the review and patient-facing views. */
  label: string;
}

const rest = (code: string, display: string) => ({
  type: { system: EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
  subtype: { system: INTERACTION, code, display },
});

/** Every kind of audited action; workflows add theirs here (one audit path). */
export const KINDS = {
  login: {
    type: { system: DCM, code: '110114', display: 'User Authentication' },
    subtype: { system: DCM, code: '110122', display: 'Login' },
    action: 'E',
    label: 'Ouverture de session',
  },
  // A platform session ended: signed out, or PSC's session ended (its notice, or its refusal at renewal).
  logout: {
    type: { system: DCM, code: '110114', display: 'User Authentication' },
    subtype: { system: DCM, code: '110123', display: 'Logout' },
    action: 'E',
    label: 'Fin de session',
  },
  'patient-search': { ...rest('search-type', 'search type'), action: 'E', label: 'Recherche de patient par INS' },
  'patient-read': { ...rest('read', 'read'), action: 'R', label: 'Consultation' },
  'audit-search': { ...rest('search-type', 'search type'), action: 'E', label: 'Consultation du journal d’audit' },
  // `$confirm-identity`: the professional confirmed a patient whose page traits disagree with the INS.
  'identity-confirmation': {
    ...rest('operation', 'operation'),
    action: 'E',
    label: 'Identité confirmée malgré des traits discordants',
  },
  'care-team-read': { ...rest('search-type', 'search type'), action: 'R', label: 'Consultation du cercle de soins' },
  'care-team-join': { ...rest('operation', 'operation'), action: 'C', label: 'Entrée dans le cercle de soins' },
  'care-team-leave': { ...rest('operation', 'operation'), action: 'U', label: 'Sortie du cercle de soins' },
  'share-code-issue': { ...rest('operation', 'operation'), action: 'C', label: 'Code de partage émis' },
  'share-code-revoke': { ...rest('operation', 'operation'), action: 'U', label: 'Code de partage révoqué' },
  'share-code-send': { ...rest('operation', 'operation'), action: 'E', label: 'Code de partage envoyé par MSSanté' },
  'share-code-redeem': { ...rest('operation', 'operation'), action: 'E', label: 'Code de partage utilisé' },
  'exam-read': { ...rest('read', 'read'), action: 'R', label: 'Consultation d’un examen d’imagerie' },
  'record-read': { ...rest('read', 'read'), action: 'R', label: 'Consultation du dossier partagé' },
  'document-read': { ...rest('read', 'read'), action: 'R', label: 'Consultation d’un document du dossier' },
  'consent-read': { ...rest('search-type', 'search type'), action: 'R', label: 'Consultation des choix du patient' },
  'break-glass-review': { ...rest('operation', 'operation'), action: 'U', label: 'Revue d’un accès en bris de glace' },
  // The patient's own choices, from their page.
  'consent-change': { ...rest('update', 'update'), action: 'U', label: 'Choix du patient modifiés' },
  'document-mask': {
    ...rest('update', 'update'),
    action: 'U',
    label: 'Document masqué ou rendu visible par le patient',
  },
  'break-glass-start': {
    type: { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: { system: DCM, code: '110127', display: 'Emergency Override Started' },
    action: 'E',
    label: 'Accès en bris de glace',
  },
  'break-glass-end': {
    type: { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: { system: DCM, code: '110138', display: 'Emergency Override Stopped' },
    action: 'E',
    label: 'Fin du bris de glace',
  },
} satisfies Record<string, KindShape>;
export type AuditKind = keyof typeof KINDS;

export const OUTCOMES = { success: '0', 'minor-failure': '4', 'serious-failure': '8' } as const;

export interface AuditInput {
  kind: AuditKind;
  /** Who acted: a professional (from their token), or the patient themself (their own page). */
  actor: Professional | PatientActor;
  patientId?: string;
  mode?: AccessMode;
  outcome?: keyof typeof OUTCOMES;
  /** What came of it, for the reviewer (French): why it failed, how a session ended; never health data. */
  outcomeText?: string;
  /** The search as performed (`identifier=…`), kept base64-encoded as BALP does. */
  query?: string;
  /** The professional's stated reason (break-glass), kept as the purpose's text. */
  reason?: string;
  /** Facts about the patient entity (`AuditEvent.entity.detail`), e.g. which traits differed. */
  detail?: Record<string, string>;
}

const PATIENT_ENTITY = {
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
};
const QUERY_ENTITY = {
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
};

/** The patient acting on their own record (consent, opposition, masking) from their page. */
export interface PatientActor {
  patientId: string;
  name: string;
}

export const isPatientActor = (actor: AuditInput['actor']): actor is PatientActor => 'patientId' in actor;

/** The `agent_idnps` column: the IDNPS, or `Patient/{id}` for the patient themself. */
export const agentKey = (actor: AuditInput['actor']) =>
  isPatientActor(actor) ? `Patient/${actor.patientId}` : actor.idNps;

function requestor(actor: AuditInput['actor']) {
  if (isPatientActor(actor)) {
    return {
      type: { coding: [{ system: PARTICIPATION, code: 'AUT', display: 'author (originator)' }] },
      who: { reference: `Patient/${actor.patientId}`, display: actor.name },
      requestor: true,
    };
  }
  return {
    type: { coding: [{ system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }] },
    ...(actor.professions.length > 0
      ? {
          role: actor.professions.map((code) => ({
            coding: [{ system: PROFESSION_SYSTEM, code, display: professionLabel(code) }],
          })),
        }
      : {}),
    who: {
      identifier: { system: IDNPS_SYSTEM, value: actor.idNps },
      display: [actor.title, actor.givenName, actor.familyName].filter(Boolean).join(' '),
    },
    requestor: true,
  };
}

export function toAuditEvent(input: AuditInput, id: string, recorded: string) {
  const kind: KindShape = KINDS[input.kind];
  const entity = [
    ...(input.patientId
      ? [
          {
            what: { reference: `Patient/${input.patientId}` },
            ...PATIENT_ENTITY,
            ...(input.detail
              ? { detail: Object.entries(input.detail).map(([type, valueString]) => ({ type, valueString })) }
              : {}),
          },
        ]
      : []),
    ...(input.query ? [{ ...QUERY_ENTITY, query: Buffer.from(input.query).toString('base64') }] : []),
  ];
  const mode = input.mode ?? 'normal';
  const emergency = mode !== 'normal';
  const { actor } = input;
  return {
    resourceType: 'AuditEvent' as const,
    id,
    extension: [{ url: ACCESS_MODE_EXTENSION, valueCoding: { system: ACCESS_MODE_SYSTEM, code: mode } }],
    type: kind.type,
    subtype: [kind.subtype],
    action: kind.action,
    recorded,
    outcome: OUTCOMES[input.outcome ?? 'success'],
    ...(input.outcomeText ? { outcomeDesc: input.outcomeText } : {}),
    purposeOfEvent: [
      {
        coding: [
          emergency
            ? { system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }
            : { system: ACT_REASON, code: 'TREAT', display: 'treatment' },
          ...(emergency ? [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }] : []),
        ],
        ...(input.reason ? { text: input.reason } : {}),
      },
    ],
    agent: [
      requestor(actor),
      {
        type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
        who: { display: 'Extension Passerelle' },
        requestor: false,
      },
      {
        type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
        who: { display: 'Plateforme Passerelle' },
        requestor: false,
      },
    ],
    source: {
      observer: { display: 'Plateforme Passerelle' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
}

export type AuditEventResource = ReturnType<typeof toAuditEvent>;
