/**
 * Pro Santé Connect: the claims a professional's token carries, and who they make the professional.
 * Shared by the extension (ID token) and the platform (access token), so both read a token alike.
 * Source: docs/domain.md "Authentication: Pro Santé Connect" and "Professionals"; claim names as
 * PSC's userinfo spells them (`nomDexercice`, `prenomDexercice`, …).
 */
import { z } from './zod.ts';
import type { Professional } from './session.ts';

/** The authentication level PSC asks for and every accepted token must carry (`acr`). */
export const PSC_ACR = 'eidas1';
export const PSC_SCOPES = 'openid scope_all';

/** National identifier of health professionals: `8` + RPPS or `0` + ADELI (docs/domain.md). */
export const IDNPS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
export const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
/** TRE_G15 ProfessionSante (`1.2.250.1.71.1.2.7`). */
export const PROFESSION_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';

/** TRE_G15 labels, in French, as the panel shows them (docs/domain.md "Professionals"). */
export const PROFESSIONS: Readonly<Record<string, string>> = {
  '10': 'Médecin',
  '21': 'Pharmacien',
  '40': 'Chirurgien-dentiste',
  '50': 'Sage-femme',
  '60': 'Infirmier',
  '70': 'Masseur-kinésithérapeute',
  '80': 'Pédicure-podologue',
  '91': 'Orthophoniste',
  '92': 'Orthoptiste',
  '98': 'Manipulateur ERM',
};
export const PHYSICIAN = '10';

const claim = z.string().trim().max(200).optional().catch(undefined);

const Exercice = z.looseObject({
  codeProfession: z.string().regex(/^\d{2}$/),
  codeCategorieProfessionnelle: claim,
  codeCiviliteDexercice: claim,
  nomDexercice: claim,
  prenomDexercice: claim,
  codeSavoirFaire: claim,
  activities: z
    .array(z.looseObject({ raisonSocialeSite: claim, numeroFinessSite: claim }))
    .max(50)
    .optional()
    .catch(undefined),
});

/** The claims read; every other claim passes through untouched. */
export const PscClaims = z.looseObject({
  sub: z.string().min(1).max(300),
  SubjectNameID: claim,
  preferred_username: claim,
  given_name: claim,
  family_name: claim,
  email: claim,
  SubjectOrganization: claim,
  /** The organisation's FINESS, when PSC gives it outside an exercise (staff). */
  SubjectOrganizationID: claim,
  SubjectRefPro: z
    .looseObject({
      // One malformed exercice must not hide the others: it is dropped, not fatal.
      exercices: z.array(z.unknown()).max(50).optional(),
    })
    .optional()
    .catch(undefined),
});
export type PscClaims = z.infer<typeof PscClaims>;

export type ClaimsProblem = 'malformed' | 'no-idnps' | 'no-name';

const TITLES: Record<string, Professional['title']> = { DR: 'Dr', PR: 'Pr' };
/** FINESS: 9 characters, the department first (`2A`/`2B` in Corsica). */
export const FINESS = /^(\d{2}|2A|2B)\d{7}$/;
const MSSANTE = /^[^\s@]+@([a-z0-9-]+\.)*mssante\.fr$/i;

/**
 * The professional a token names. The IDNPS is `SubjectNameID` (or `preferred_username`); it is an
 * identifier, not parsed for meaning, except that `8` + 11 digits is shown as the RPPS it wraps.
 */
export function professionalFromClaims(
  raw: unknown,
): { ok: true; professional: Professional } | { ok: false; problem: ClaimsProblem } {
  const parsed = PscClaims.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  const claims = parsed.data;
  const idNps = claims.SubjectNameID ?? claims.preferred_username;
  if (!idNps || !/^[0-9][0-9A-Za-z]{4,30}$/.test(idNps)) return { ok: false, problem: 'no-idnps' };

  const exercices = (claims.SubjectRefPro?.exercices ?? []).flatMap((e) => {
    const one = Exercice.safeParse(e);
    return one.success ? [one.data] : [];
  });
  const first = exercices[0];
  const familyName = first?.nomDexercice || claims.family_name;
  const givenName = first?.prenomDexercice || claims.given_name;
  if (!familyName) return { ok: false, problem: 'no-name' };

  const professions = [...new Set(exercices.map((e) => e.codeProfession))];
  const site = first?.activities?.find((a) => a.raisonSocialeSite || a.numeroFinessSite);
  const organization = site?.raisonSocialeSite ?? claims.SubjectOrganization;
  // The organisation decides things (the secretariat's exams, centre 15): by FINESS, never by name.
  const finess = [site?.numeroFinessSite, claims.SubjectOrganizationID].find((f) => f && FINESS.test(f));
  const title = TITLES[first?.codeCiviliteDexercice ?? ''];
  const professional: Professional = {
    idNps,
    ...(/^8\d{11}$/.test(idNps) ? { rpps: idNps.slice(1) } : {}),
    ...(title ? { title } : {}),
    familyName,
    ...(givenName ? { givenName } : {}),
    professions,
    ...(organization ? { organization } : {}),
    ...(finess ? { organizationId: finess } : {}),
    ...(claims.email && MSSANTE.test(claims.email) ? { mssante: claims.email.toLowerCase() } : {}),
  };
  return { ok: true, professional };
}

export const professionLabel = (code: string) => PROFESSIONS[code] ?? `Profession ${code}`;
export const isPhysician = (p: Pick<Professional, 'professions'>) => p.professions.includes(PHYSICIAN);
