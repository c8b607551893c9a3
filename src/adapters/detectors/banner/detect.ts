/**
 * Generic patient banner. DPIs show the open record's patient in a banner — named as such in its
 * markup (a class or id with "bandeau", "banner" or "patient-header", `role="banner"`), or simply
 * a compact region holding a name, a birth date and the number — often without labels: `DUPONT Marie · 12/03/1958 (68 ans) · F · 2 58 03 75 112 345 09`. There, and only
 * there, an unlabelled number is taken for an INS, and only with a valid key (a wrong key could
 * be any number: a labelled wrong-key INS is reported by the generic adapter instead).
 */
import { DATE_PATTERN, parseDate } from '../../../core/dates.ts';
import { checkIns } from '../../../core/ins.ts';
import { nameTraits } from '../../../core/names.ts';
import type { DetectedPatient } from '../../../core/protocol.ts';
import type { Adapter } from '../../adapter.ts';
import { insLike, parseSex, readTraits } from '../../traits.ts';
import { pageText } from '../../text.ts';

// Named as a banner; "patient" alone is not enough (a "patient-notes" section is no banner).
const BANNER = [
  '[class*="bandeau" i]',
  '[id*="bandeau" i]',
  '[class*="banner" i]',
  '[id*="banner" i]',
  '[role="banner"]',
  '[class*="patient-header" i]',
  '[class*="patientheader" i]',
  '[id*="patientheader" i]',
  '[class*="entete-patient" i]',
  '[class*="entete_patient" i]',
].join(',');

/** A banner is a line or two, not a page section. */
const MAX_TEXT = 400;
const DATES = new RegExp(DATE_PATTERN, 'giu');
// "12/03/1958 (68 ans)": the date followed by an age is the birth date.
const DATE_WITH_AGE = new RegExp(`(${DATE_PATTERN})\\s*\\(?\\s*\\d{1,3}\\s*ans\\b`, 'iu');
const SEX_TOKEN = /(?:^|[\s|·•/,])(F|M|Femme|Homme|Féminin|Masculin)(?=$|[\s|·•/,])/u;
const SEGMENTS = /\n|\s{2,}|[|·•]/;

function birthDateOf(text: string): string | undefined {
  const withAge = DATE_WITH_AGE.exec(text)?.[1];
  if (withAge) return parseDate(withAge);
  const dates = [...text.matchAll(DATES)].map((m) => parseDate(m[0])).filter(Boolean);
  // One date only: the birth date. Several (admission, visit…): none is guessed.
  return dates.length === 1 ? dates[0] : undefined;
}

/** The first segment of the banner that reads as a name with its parts told apart. */
function nameOf(text: string): ReturnType<typeof nameTraits> | undefined {
  return text
    .split(SEGMENTS)
    .map((segment) => nameTraits(segment.trim()))
    .find((name) => name.familyName);
}

/** The patient of a banner holding this INS (valid key only: unlabelled, a wrong key is no INS). */
function readBanner(el: Element, raw: string): DetectedPatient | undefined {
  const check = checkIns(raw);
  if (!check.ok) return undefined;
  const { text } = pageText(el);
  if (text.length > MAX_TEXT) return undefined;
  const labelled = readTraits(text);
  // Unlabelled, the number is taken for an INS for its valid key alone: the panel says so.
  const ins = /(?<![\p{L}])(?:INS|NIR)(?![\p{L}])/u.test(text)
    ? { status: 'valid' as const, value: check.value }
    : { status: 'valid' as const, value: check.value, guessed: true as const };
  const patient: DetectedPatient = { source: 'banner', ins, ...labelled };
  if (!labelled.familyName && !labelled.givenNames) {
    const name = nameOf(text);
    if (name) {
      delete patient.displayName;
      Object.assign(patient, name);
    }
  }
  const birthDate = patient.birthDate ?? birthDateOf(text);
  const sex = patient.sex ?? parseSex(SEX_TOKEN.exec(text)?.[1]);
  if (birthDate) patient.birthDate = birthDate;
  if (sex) patient.sex = sex;
  return patient;
}

/**
 * A banner recognised by its structure, whatever its classes: the smallest region around the
 * number that holds a name with its parts told apart and a birth date, climbing no further than a
 * banner's size (a line or two) and never into prose (paragraphs, tables, lists, quotes).
 */
const PROSE = 'p, table, pre, blockquote, ul, ol, article, main';
function compactRegion(el: Element, raw: string): DetectedPatient | undefined {
  for (let a: Element | null = el, i = 0; a && i < 5; a = a.parentElement, i++) {
    if ((a.textContent?.length ?? 0) > MAX_TEXT || a.tagName === 'BODY' || a.querySelector(PROSE)) return undefined;
    const patient = readBanner(a, raw);
    if (patient?.birthDate && (patient.familyName ?? patient.displayName)) return patient;
  }
  return undefined;
}

export const banner: Adapter = {
  id: 'banner',
  detect(_doc, { text }) {
    const patients = new Map<string, DetectedPatient>();
    for (const { raw, el } of insLike(text)) {
      const found = el.closest(BANNER);
      const patient = found ? readBanner(found, raw) : compactRegion(el, raw);
      if (patient && !patients.has(patient.ins!.value)) patients.set(patient.ins!.value, patient);
    }
    return [...patients.values()];
  },
};
