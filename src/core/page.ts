/**
 * What a host page shows, as the content script reports it (never trusted: the page is hostile):
 * the patients detected with their traits, the share codes, why the panel had to be closed, and
 * the DPI banner profiles that say where a page prints its patient (with their live preview).
 * Part of the protocol (`protocol.ts` re-exports).
 */
import { z } from './zod.ts';
import { INS_OID } from './ins.ts';
import { httpUrl, text } from './results.ts';
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

/** What the platform holds for an INS, mapped from FHIR by `src/background/platform-client.ts`. */
export const PlatformPatient = z.object({
  id: text(64),
  ins: z.string(),
  insKind: InsKind,
  birthName: text(100),
  givenNames: text(200),
  birthDate: z.iso.date(),
  sex: Sex,
  birthPlace: z.string().max(10).optional(),
});
export type PlatformPatient = z.infer<typeof PlatformPatient>;

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

// A DPI's patient banner, pointed at by CSS selectors (set by the user or imported for a hospital).

const Selector = z.string().trim().min(1).max(300);

export const DpiProfile = z.object({
  name: text(100),
  /** Pages whose address starts with this (scheme, host, and optionally a path). */
  urlPrefix: httpUrl,
  selectors: z.object({
    ins: Selector,
    familyName: Selector.optional(),
    usedName: Selector.optional(),
    givenNames: Selector.optional(),
    /** The name as printed, when the banner does not split it. */
    displayName: Selector.optional(),
    birthDate: Selector.optional(),
    sex: Selector.optional(),
  }),
});
export type DpiProfile = z.infer<typeof DpiProfile>;
export const DpiProfiles = z.array(DpiProfile).max(200);

/** What the content script of that page answers: the visible text each selector reads, or nothing. */
export const ProfileReadings = z.object({
  url: z.string().max(2000),
  readings: z.record(z.string().max(20), z.string().max(200).nullable()),
});
export const PreviewResult = z.discriminatedUnion('status', [
  ProfileReadings.extend({ status: z.literal('ok') }),
  z.object({ status: z.literal('no-page') }),
]);
export type PreviewResult = z.infer<typeof PreviewResult>;

// Sites where the content script runs: only those the user enabled (`src/background/sites.ts`).

/** An origin, `https://webmail.chu-exemple.fr` (scheme, host, optional port; nothing after). */
export const SiteOrigin = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/);
export const Sites = z.array(SiteOrigin).max(200);
