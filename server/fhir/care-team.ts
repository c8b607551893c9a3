/**
 * A patient's care circle as a FHIR R4 `CareTeam` following the ANS "cercle de soins" profile
 * `CDSCareTeam` (DOMAIN.md "FHIR R4 shapes"): identifier, status, subject (the patient) and
 * period.start; each participant is a PractitionerRole with its profession (TRE_G15) and a period
 * whose end is set when the professional left. Past participations stay: the circle's history.
 */
import { PROFESSION_SYSTEM, professionLabel } from '../../src/core/psc.ts';
import type { Member } from '../storage/care-team.ts';

export const CDS_CARE_TEAM_PROFILE = 'https://interop.esante.gouv.fr/ig/fhir/cds/StructureDefinition/CDSCareTeam';
export const CARE_TEAM_IDENTIFIER_SYSTEM = 'https://passerelle.example/fhir/NamingSystem/cercle-de-soins';

/** SQLite's `CURRENT_TIMESTAMP` (`2026-11-23 10:42:00`, UTC) as a FHIR instant. */
const instant = (at: string) => (at.includes('T') ? at : `${at.replace(' ', 'T')}Z`);

export const memberName = (m: Pick<Member, 'title' | 'givenName' | 'familyName'>) =>
  [m.title, m.givenName, m.familyName].filter(Boolean).join(' ');

export function toFhirCareTeam(patient: { id: string; created_at: string }, members: readonly Member[]) {
  return {
    resourceType: 'CareTeam' as const,
    id: `cercle-${patient.id}`,
    meta: { profile: [CDS_CARE_TEAM_PROFILE] },
    identifier: [{ system: CARE_TEAM_IDENTIFIER_SYSTEM, value: patient.id }],
    status: 'active' as const,
    name: 'Cercle de soins',
    subject: { reference: `Patient/${patient.id}` },
    period: { start: members[0]?.start ?? instant(patient.created_at) },
    ...(members.length > 0
      ? {
          participant: members.map((m) => ({
            role: [
              {
                coding: [
                  { system: PROFESSION_SYSTEM, code: m.professionCode, display: professionLabel(m.professionCode) },
                ],
              },
            ],
            member: { reference: `PractitionerRole/${m.roleId}`, display: memberName(m) },
            period: { start: m.start, ...(m.end ? { end: m.end } : {}) },
          })),
        }
      : {}),
  };
}
