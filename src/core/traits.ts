/**
 * Identity vigilance (docs/domain.md, "Strict traits"): compare the strict traits printed on the
 * page with those the platform holds. A disagreement is a safety event; and a page that does not
 * show enough to compare is never taken for an agreement: "concordent" needs at least the birth
 * name and the birth date read and agreeing, nothing read disagreeing, and the page's readings of
 * the patient agreeing with each other.
 */
import type { DetectedPatient, PlatformPatient } from './protocol.ts';

/** The strict traits compared (docs/domain.md); birth place is not printed by host pages. */
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
/**
 * The first given name of a list, as words: given names are separated by spaces and a compound one
 * is hyphenated ("JEAN-PIERRE PAUL": the first is JEAN-PIERRE, words JEAN PIERRE).
 */
const firstBirthGiven = (given: string) => tokens(given.trim().split(/\s+/)[0] ?? '');
/** Whether `words` hold `first` as consecutive words, at `at` (any place when undefined). */
const holds = (words: readonly string[], first: readonly string[], at?: number) =>
  first.length > 0 && words.some((_, i) => (at === undefined || i === at) && first.every((w, j) => words[i + j] === w));

/** Whether the page shows a trait at all (the name, as printed whole, counts for both name traits). */
export function traitRead(page: DetectedPatient, trait: Trait): boolean {
  switch (trait) {
    case 'birthName':
      return page.familyName !== undefined || page.displayName !== undefined;
    case 'givenName':
      return page.givenNames !== undefined || page.displayName !== undefined;
    case 'birthDate':
      return page.birthDate !== undefined;
    case 'sex':
      return page.sex !== undefined;
  }
}

/** Without these two read and agreeing, the page cannot vouch for the patient. */
export const REQUIRED_TRAITS: readonly Trait[] = ['birthName', 'birthDate'];

export type Verdict = 'agree' | 'disagree' | 'not-verifiable';

export interface Vigilance {
  verdict: Verdict;
  /** Per strict trait: read on the page, and if so whether it agrees with the platform. */
  checks: { trait: Trait; read: boolean; agrees?: boolean }[];
  /** Traits that differ from the platform's, or between two readings of the page. */
  differing: Trait[];
  /** Required traits the page does not show: what a confirmation must name as not verifiable. */
  unverified: Trait[];
}

export function vigilance(page: DetectedPatient, platform: PlatformPatient): Vigilance {
  const against = differingTraits(page, platform);
  const conflicting = page.conflicting ?? [];
  const checks = TRAITS.map((trait) => {
    const read = traitRead(page, trait);
    const agrees = read ? !against.includes(trait) && !conflicting.includes(trait) : undefined;
    return agrees === undefined ? { trait, read } : { trait, read, agrees };
  });
  const differing = TRAITS.filter((t) => against.includes(t) || conflicting.includes(t));
  const unverified = REQUIRED_TRAITS.filter((t) => !traitRead(page, t));
  const verdict: Verdict = differing.length > 0 ? 'disagree' : unverified.length > 0 ? 'not-verifiable' : 'agree';
  return { verdict, checks, differing, unverified };
}

export function differingTraits(page: DetectedPatient, platform: PlatformPatient): Trait[] {
  const differing: Trait[] = [];
  if (page.familyName !== undefined) {
    if (normalizeName(page.familyName) !== normalizeName(platform.birthName)) differing.push('birthName');
  } else if (page.displayName !== undefined) {
    const shown = new Set(tokens(page.displayName));
    if (!tokens(platform.birthName).every((t) => shown.has(t))) differing.push('birthName');
  }
  // The platform's first given name whole: "Jean" on the page is not JEAN-PIERRE.
  const first = firstBirthGiven(platform.givenNames);
  if (page.givenNames !== undefined) {
    if (!holds(tokens(page.givenNames), first, 0)) differing.push('givenName');
  } else if (page.displayName !== undefined) {
    if (!holds(tokens(page.displayName), first)) differing.push('givenName');
  }
  if (page.birthDate !== undefined && page.birthDate !== platform.birthDate) differing.push('birthDate');
  if (page.sex !== undefined && page.sex !== platform.sex) differing.push('sex');
  return differing;
}

/**
 * Two readings of the same patient on one page (the subject and the body of a message, a banner
 * and a table): the traits they print differently. Each such trait is a discordance in itself.
 */
export function conflictingTraits(a: DetectedPatient, b: DetectedPatient): Trait[] {
  const found: Trait[] = [];
  const nameWords = (p: DetectedPatient) => tokens(p.displayName ?? `${p.familyName ?? ''} ${p.givenNames ?? ''}`);
  if (a.familyName && b.familyName) {
    if (normalizeName(a.familyName) !== normalizeName(b.familyName)) found.push('birthName');
  } else if ((a.familyName || b.familyName) && (a.displayName || b.displayName)) {
    const family = tokens((a.familyName ?? b.familyName)!);
    const shown = new Set(nameWords(a.displayName ? a : b));
    if (!family.every((w) => shown.has(w))) found.push('birthName');
  } else if (a.displayName && b.displayName) {
    const [x, y] = [new Set(nameWords(a)), nameWords(b)];
    if (!y.every((w) => x.has(w)) && !nameWords(a).every((w) => y.includes(w))) found.push('birthName');
  }
  // Each reading's first given name, whole, begins the other's: "Jean" and "Jean-Pierre" conflict.
  const [ga, gb] = [a.givenNames, b.givenNames];
  if (ga && gb && !(holds(tokens(gb), firstBirthGiven(ga), 0) && holds(tokens(ga), firstBirthGiven(gb), 0))) {
    found.push('givenName');
  }
  if (a.birthDate && b.birthDate && a.birthDate !== b.birthDate) found.push('birthDate');
  if (a.sex && b.sex && a.sex !== b.sex) found.push('sex');
  return found;
}

/** One patient from two readings: what either shows, the first one's where both do, their conflicts. */
export function mergeReadings(a: DetectedPatient, b: DetectedPatient): DetectedPatient {
  const conflicting = [...new Set([...(a.conflicting ?? []), ...(b.conflicting ?? []), ...conflictingTraits(a, b)])];
  const aName = a.familyName !== undefined || a.givenNames !== undefined || a.displayName !== undefined;
  const names = aName
    ? {}
    : Object.fromEntries(
        (['familyName', 'givenNames', 'displayName', 'usedName'] as const).flatMap((k) =>
          b[k] !== undefined ? [[k, b[k]]] : [],
        ),
      );
  const merged: DetectedPatient = {
    ...(b.birthDate ? { birthDate: b.birthDate } : {}),
    ...(b.sex ? { sex: b.sex } : {}),
    ...names,
    ...a,
  };
  // A number labelled INS anywhere is not a guess.
  if (merged.ins?.status === 'valid' && merged.ins.guessed && !(b.ins?.status === 'valid' && b.ins.guessed)) {
    merged.ins = { status: 'valid', value: merged.ins.value, ...(merged.ins.kind ? { kind: merged.ins.kind } : {}) };
  }
  if (conflicting.length > 0) merged.conflicting = TRAITS.filter((t) => conflicting.includes(t));
  return merged;
}
