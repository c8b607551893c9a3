/**
 * Identity vigilance: compare the strict traits printed on the page with those the platform holds.
 * A disagreement is a safety event (DOMAIN.md "Strict traits"), shown as a blocking warning.
 */
import type { DetectedPatient, PlatformPatient } from './protocol.ts';

/** The strict traits compared (DOMAIN.md); birth place is not printed by host pages. */
export const TRAITS = ['birthName', 'givenName', 'birthDate', 'sex'] as const;
export type Trait = (typeof TRAITS)[number];

/** Upper case, no diacritics, hyphens and apostrophes as spaces: "Lefèvre-D'Arc" → "LEFEVRE D ARC". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[-'’^,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const tokens = (name: string) => normalizeName(name).split(' ').filter(Boolean);
const firstGiven = (given: string) => tokens(given)[0] ?? '';

export function differingTraits(page: DetectedPatient, platform: PlatformPatient): Trait[] {
  const differing: Trait[] = [];
  if (page.familyName !== undefined) {
    if (normalizeName(page.familyName) !== normalizeName(platform.birthName)) differing.push('birthName');
  } else if (page.displayName !== undefined) {
    const shown = new Set(tokens(page.displayName));
    if (!tokens(platform.birthName).every((t) => shown.has(t))) differing.push('birthName');
  }
  if (page.givenNames !== undefined) {
    if (firstGiven(page.givenNames) !== firstGiven(platform.givenNames)) differing.push('givenName');
  } else if (page.displayName !== undefined) {
    if (!tokens(page.displayName).includes(firstGiven(platform.givenNames))) differing.push('givenName');
  }
  if (page.birthDate !== undefined && page.birthDate !== platform.birthDate) differing.push('birthDate');
  if (page.sex !== undefined && page.sex !== platform.sex) differing.push('sex');
  return differing;
}
