/**
 * What a host page shows, as the content script reports it (never trusted: the page is hostile):
 * the patients detected with their traits, the share codes, and why the panel had to be closed.
 * Part of the protocol (`protocol.ts` re-exports).
 */
import { z } from 'zod';
import { INS_OID } from './ins.ts';
import { text } from './results.ts';
import { TRAITS } from './traits.ts';

export const Sex = z.enum(['female', 'male']);
export type Sex = z.infer<typeof Sex>;

export const InsKind = z.enum(Object.keys(INS_OID) as [keyof typeof INS_OID]);

export const PageIns = z.discriminatedUnion('status', [
  /** Matricule with a correct key (`src/core/ins.ts`). */
  z.object({
    status: z.literal('valid'),
    value: z.string().regex(/^[12]\d{4}[\dAB]{2}\d{8}$/),
    kind: InsKind.optional(),
    /** Not labelled INS on the page (a banner's bare number, "PatientID"): taken for its valid key. */
    guessed: z.literal(true).optional(),
  }),
  /** Looks like an INS but the key is wrong: never offered for lookup (docs/domain.md). */
  z.object({ status: z.literal('wrong-key'), value: text(40) }),
]);
export type PageIns = z.infer<typeof PageIns>;

export const DetectedPatient = z.object({
  /** Adapter that found the patient (e.g. `generic`). */
  source: text(40),
  ins: PageIns.optional(),
  /** The name as printed, when the page does not label its parts. */
  displayName: text(200).optional(),
  /** Birth name (nom de naissance), a strict trait. */
  familyName: text(100).optional(),
  /** Used name (nom d'usage), shown but not compared: it is not a strict trait. */
  usedName: text(100).optional(),
  givenNames: text(200).optional(),
  birthDate: z.iso.date().optional(),
  sex: Sex.optional(),
  /** Traits the page prints differently in two places for the same INS: a discordance in itself. */
  conflicting: z.array(z.enum(TRAITS)).max(TRAITS.length).optional(),
});
export type DetectedPatient = z.infer<typeof DetectedPatient>;

/** Bounded so that a hostile page cannot flood storage through the content script. */
export const DetectedPatients = z.array(DetectedPatient).max(50);

/** A share code found in the page (`src/core/share-code.ts`), normalised, check symbol verified. */
export const ShareCodeText = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{12}[0-9A-HJKMNP-TV-Z*~$=U]$/);
export const ShareCodes = z.array(ShareCodeText).max(5);

export const PageContext = z.object({
  origin: z.string().max(300),
  patients: DetectedPatients,
  shareCodes: ShareCodes.default([]),
  detectedAt: z.number().int(),
});
export type PageContext = z.infer<typeof PageContext>;

/** Why the content script closed the panel: the page moved, restyled, hid or removed it. */
export const TamperReason = z.enum(['moved', 'restyled', 'hidden', 'removed', 'navigated']);
export const Tampered = z.object({ why: TamperReason, at: z.number().int() });
export type Tampered = z.infer<typeof Tampered>;
