/**
 * INS (Identité Nationale de Santé) — pure rules, shared by every context.
 * Source: docs/domain.md "Patient identity: INS"; FR Core `FRCorePatientINSProfile`.
 */

/** Identifier systems of FR Core (`FRCorePatientINSProfile`). */
export const INS_OID = {
  nir: 'urn:oid:1.2.250.1.213.1.4.8',
  nia: 'urn:oid:1.2.250.1.213.1.4.9',
  test: 'urn:oid:1.2.250.1.213.1.4.10',
  demo: 'urn:oid:1.2.250.1.213.1.4.11',
} as const;

export type InsKind = keyof typeof INS_OID;
export type InsSystem = (typeof INS_OID)[InsKind];

export const INS_SYSTEMS: readonly InsSystem[] = Object.values(INS_OID);

/**
 * What each kind of INS is and allows (docs/domain.md; FR Core `FRCorePatientINSProfile`):
 * - `nir`: the person's NIR, identifier use `official`; a real patient;
 * - `nia`: a temporary number awaiting the NIR, identifier use `temp`; a real patient, but the
 *   number will change, so it is shown as provisional and never kept as a lasting key;
 * - `test`, `demo`: fictitious identities of the national test and demo sets; never a real
 *   patient, labelled as such wherever shown.
 */
export const INS_KINDS: Record<InsKind, { use: 'official' | 'temp'; realPatient: boolean }> = {
  nir: { use: 'official', realPatient: true },
  nia: { use: 'temp', realPatient: true },
  test: { use: 'official', realPatient: false },
  demo: { use: 'official', realPatient: false },
};

export function insKindOf(system: string): InsKind | undefined {
  return (Object.keys(INS_OID) as InsKind[]).find((kind) => INS_OID[kind] === system);
}

export type InsCheck = { ok: true; value: string } | { ok: false; reason: 'format' | 'key'; value: string };

/** Removes the separators clinicians' software prints: spaces, NBSP, dots, dashes. */
export function normalizeIns(raw: string): string {
  return raw.replace(/[\s.\u00a0\u202f-]/g, '').toUpperCase();
}

// sex(1|2) year(2) month(2) department(2, 2A/2B) commune(3) order(3) key(2).
// Months 20-42 and 50+ are fictitious months and must be accepted (docs/domain.md).
const MATRICULE = /^[12]\d{4}(?:\d{2}|2[AB])\d{6}\d{2}$/;

/**
 * Key = 97 - (first 13 digits mod 97); for Corsica, `2A`→`19` and `2B`→`18` at the department
 * position only (characters 6-7), before computing.
 */
export function insKey(first13: string): number {
  const dept = first13.slice(5, 7);
  const digits =
    dept === '2A' || dept === '2B' ? first13.slice(0, 5) + (dept === '2A' ? '19' : '18') + first13.slice(7) : first13;
  return 97 - Number(BigInt(digits) % 97n);
}

export function checkIns(raw: string): InsCheck {
  const value = normalizeIns(raw);
  if (!MATRICULE.test(value)) return { ok: false, reason: 'format', value };
  const expected = insKey(value.slice(0, 13));
  return expected === Number(value.slice(13)) ? { ok: true, value } : { ok: false, reason: 'key', value };
}
