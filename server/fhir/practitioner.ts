/**
 * Practitioner and PractitionerRole (FR Core `fr-core-practitioner`, `fr-core-practitioner-role`)
 * from the record kept of a professional's claims: IDNPS and RPPS identifiers, name, MSSanté
 * address, one role per TRE_G15 profession.
 */
import { IDNPS_SYSTEM, PROFESSION_SYSTEM, professionLabel, RPPS_SYSTEM } from '../../src/core/psc.ts';
import type { PractitionerRoleTable, PractitionerTable } from '../storage/schema.ts';

type PractitionerFields = Pick<
  PractitionerTable,
  'id' | 'idnps' | 'rpps' | 'title' | 'family_name' | 'given_name' | 'mssante'
>;
type RoleFields = Pick<PractitionerRoleTable, 'id' | 'profession_code' | 'organization' | 'active'>;

const FR_CORE = 'https://hl7.fr/ig/fhir/core';
const identifierType = (code: string) => ({
  coding: [{ system: `${FR_CORE}/CodeSystem/fr-core-cs-v2-0203`, code }],
});

export function toFhirPractitioner({ practitioner: p }: { practitioner: PractitionerFields }) {
  return {
    resourceType: 'Practitioner' as const,
    id: p.id,
    meta: { profile: [`${FR_CORE}/StructureDefinition/fr-core-practitioner`] },
    identifier: [
      { use: 'official' as const, type: identifierType('IDNPS'), system: IDNPS_SYSTEM, value: p.idnps },
      ...(p.rpps
        ? [{ use: 'official' as const, type: identifierType('RPPS'), system: RPPS_SYSTEM, value: p.rpps }]
        : []),
    ],
    name: [
      {
        use: 'usual' as const,
        family: p.family_name,
        ...(p.given_name ? { given: [p.given_name] } : {}),
        ...(p.title ? { prefix: [p.title] } : {}),
      },
    ],
    // The MSSanté address: how other members of a care circle reach this professional.
    ...(p.mssante ? { telecom: [{ system: 'email' as const, value: p.mssante, use: 'work' as const }] } : {}),
  };
}

export function toFhirPractitionerRoles({
  practitioner,
  roles,
}: {
  practitioner: Pick<PractitionerTable, 'id'>;
  roles: readonly RoleFields[];
}) {
  return roles.map((role) => ({
    resourceType: 'PractitionerRole' as const,
    id: role.id,
    meta: { profile: [`${FR_CORE}/StructureDefinition/fr-core-practitioner-role`] },
    active: role.active === 1,
    practitioner: { reference: `Practitioner/${practitioner.id}` },
    // Where they practise (PSC `SubjectOrganization`): shown next to each member of a care circle.
    ...(role.organization ? { organization: { display: role.organization } } : {}),
    code: [
      {
        coding: [
          { system: PROFESSION_SYSTEM, code: role.profession_code, display: professionLabel(role.profession_code) },
        ],
      },
    ],
  }));
}
