/**
 * A patient's care circle as a FHIR R4 `CareTeam` following the ANS "cercle de soins" profile
 * CDSCareTeam (canonical `…/cds/StructureDefinition/cds-ihe-careteam`, IG Cercle De Soins 2.0.1;
 * docs/domain.md "FHIR R4 shapes"): identifier, status, subject (the patient) and period.start; each
 * participant is a PractitionerRole with its profession (TRE_G15) and a period whose end is set
 * when the professional left. Past participations stay: the circle's history. The médecin traitant
 * carries a second role from the IG's `careteam-roles-vs`: TRE_R259 `PCP` (the IG's earlier
 * versions coded it `MT`).
 */
import { MEDECIN_TRAITANT, PARTICIPATION_FUNCTION_SYSTEM } from '../../src/core/care-team.ts';
import { PROFESSION_SYSTEM, professionLabel } from '../../src/core/psc.ts';
import type { Member } from '../storage/care-team.ts';
import { toFhirPractitioner, toFhirPractitionerRoles } from './practitioner.ts';

export const CDS_CARE_TEAM_PROFILE = 'https://interop.esante.gouv.fr/ig/fhir/cds/StructureDefinition/cds-ihe-careteam';
export const CARE_TEAM_IDENTIFIER_SYSTEM = 'https://passerelle.example/fhir/NamingSystem/cercle-de-soins';

/** SQLite's `CURRENT_TIMESTAMP` (`2026-11-23 10:42:00`, UTC) as a FHIR instant. */
export const instant = (at: string) => (at.includes('T') ? at : `${at.replace(' ', 'T')}Z`);

export const memberName = (p: Pick<Member['practitioner'], 'title' | 'given_name' | 'family_name'>) =>
  [p.title, p.given_name, p.family_name].filter(Boolean).join(' ');

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
                  {
                    system: PROFESSION_SYSTEM,
                    code: m.role.profession_code,
                    display: professionLabel(m.role.profession_code),
                  },
                ],
              },
              ...(m.functionCode === MEDECIN_TRAITANT
                ? [
                    {
                      coding: [
                        { system: PARTICIPATION_FUNCTION_SYSTEM, code: MEDECIN_TRAITANT, display: 'Médecin traitant' },
                      ],
                    },
                  ]
                : []),
            ],
            member: { reference: `PractitionerRole/${m.role.id}`, display: memberName(m.practitioner) },
            period: { start: m.start, ...(m.end ? { end: m.end } : {}) },
          })),
        }
      : {}),
  };
}

/** The resources to include with the circle: each member's roles in it, and the practitioner once. */
export function circleIncludes(members: readonly Member[]): unknown[] {
  const byPractitioner = new Map<string, Member[]>();
  for (const m of members) byPractitioner.set(m.practitioner.id, [...(byPractitioner.get(m.practitioner.id) ?? []), m]);
  return [...byPractitioner.values()].flatMap((ms) => {
    const roles = [...new Map(ms.map((m) => [m.role.id, m.role])).values()];
    const practitioner = ms[0]!.practitioner;
    return [...toFhirPractitionerRoles({ practitioner, roles }), toFhirPractitioner({ practitioner })];
  });
}
