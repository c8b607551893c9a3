/**
 * The care circle (issue 6) as the panel and the options page see it, and the outbox's stored
 * changes; part of the protocol (`protocol.ts` re-exports).
 */
import { z } from './zod.ts';
import { resultOf, text } from './results.ts';

/** CDSCareTeam's participation functions (TRE_R259), where the médecin traitant is `PCP`. */
export const PARTICIPATION_FUNCTION_SYSTEM =
  'https://mos.esante.gouv.fr/NOS/TRE_R259-HL7ParticipationFunction/FHIR/TRE-R259-HL7ParticipationFunction';
/** The médecin traitant, in `careteam-roles-vs`. */
export const MEDECIN_TRAITANT = 'PCP';

/** A current member of a patient's care circle, as the panel shows them (`CDSCareTeam`). */
export const CareTeamMember = z.object({
  name: text(200),
  profession: text(100),
  /** Where they practise (PractitionerRole.organization). */
  organization: text(200).optional(),
  mssante: z.email().max(200).optional(),
  /** Declared médecin traitant (CDSCareTeam role TRE_R259 `PCP`). */
  mt: z.boolean().optional(),
  /** When this participation started (FHIR instant). */
  since: z.string().max(40),
  /** The signed-in professional. */
  me: z.boolean(),
});
export type CareTeamMember = z.infer<typeof CareTeamMember>;

/** `join-mt`: join as the patient's médecin traitant (physicians only; the platform decides). */
export const CareTeamChange = z.enum(['join', 'join-mt', 'leave']);
export type CareTeamChange = z.infer<typeof CareTeamChange>;

export const CareTeamResult = resultOf(
  {
    members: z.array(CareTeamMember).max(500),
    /** A change for this patient the platform refused (from the outbox), in French. */
    refused: z.string().max(500).optional(),
  },
  /** The platform could not be reached: the change waits in the outbox, replayed with backoff. */
  z.object({ status: z.literal('queued'), change: CareTeamChange }),
);

/**
 * A care-circle change waiting for the platform, in IndexedDB (`src/background/outbox.ts`). Its
 * idempotency key goes with every replay, so the platform applies it once.
 */
export const OutboxItem = z.object({
  key: z.string().min(8).max(200),
  change: CareTeamChange,
  patientId: text(64),
  /** The professional who made it: replayed only with their session. */
  idNps: z.string().max(40),
  createdAt: z.number().int(),
  attempts: z.number().int().min(0),
  nextAt: z.number().int(),
  state: z.enum(['pending', 'refused']),
  /** Why the platform refused it, in French. */
  detail: z.string().max(500).optional(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;
export type CareTeamResult = z.infer<typeof CareTeamResult>;
