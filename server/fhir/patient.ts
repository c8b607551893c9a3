/**
 * Platform patient → FHIR R4 Patient following FR Core `FRCorePatientINSProfile`: the INS
 * identifier (only for a qualified identity), the official name with the birth name and the birth
 * given names, the used name when it differs, sex, birth date and birth place (INSEE code).
 */
import type { PatientRow } from '../storage/patients.ts';

const FR_CORE = 'https://hl7.fr/ig/fhir/core';

export function toFhirPatient(row: PatientRow) {
  const names: object[] = [{ use: 'official', family: row.birth_name, given: [row.given_names] }];
  if (row.used_name && row.used_name !== row.birth_name) {
    names.push({ use: 'usual', family: row.used_name, given: [row.given_names.split(' ')[0]] });
  }
  return {
    resourceType: 'Patient' as const,
    id: row.id,
    meta: { profile: [`${FR_CORE}/StructureDefinition/fr-core-patient-ins`] },
    extension: [
      {
        url: `${FR_CORE}/StructureDefinition/fr-core-identity-reliability`,
        extension: [
          {
            url: 'identityReliability',
            valueCoding: { system: `${FR_CORE}/CodeSystem/fr-core-cs-v2-0445`, code: row.identity_status },
          },
        ],
      },
      ...(row.birth_place
        ? [
            {
              url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
              valueAddress: {
                extension: [
                  {
                    url: `${FR_CORE}/StructureDefinition/fr-core-address-insee-code`,
                    valueCoding: { code: row.birth_place },
                  },
                ],
              },
            },
          ]
        : []),
    ],
    identifier:
      row.identity_status === 'QUAL'
        ? [
            {
              use: 'official' as const,
              type: { coding: [{ system: `${FR_CORE}/CodeSystem/fr-core-cs-v2-0203`, code: 'INS-NIR' }] },
              system: row.ins_system,
              value: row.ins,
            },
          ]
        : [],
    name: names,
    gender: row.sex,
    birthDate: row.birth_date,
  };
}
