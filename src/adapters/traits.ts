/**
 * Reading a patient's traits in text, shared by the detectors (generic, table, banner): the INS in
 * its printed forms, and the strict traits near it — labelled ("Nom de naissance : DUPONT"), as
 * key/value cells ("Nom" then "DUPONT" in the next cell), or in running text ("votre patiente
 * Marie DUPONT née le 12/03/1958", "Mme DUPONT épouse MARTIN"). Each trait is taken at the match
 * nearest the INS, so that a long letter is read around its patient, not from its first line.
 */
import { DATE_PATTERN, parseDate } from '../core/dates.ts';
import { nameTraits } from '../core/names.ts';
import type { DetectedPatient, Sex } from '../core/protocol.ts';
import { elementAt, type PageText } from './text.ts';

export const SEP = '[\\s.\\u00a0\\u202f-]*';
// 1 sex digit, 12 characters (digits, or 2A/2B in the department), 2 key digits, with separators.
export const INS_VALUE = `[12](?:${SEP}[\\dAB]){12}(?:${SEP}\\d){2}`;
const INS_ANYWHERE = new RegExp(`(?<![\\d\\p{L}])${INS_VALUE}(?![\\d\\p{L}])`, 'gu');
const insLikeCache = new WeakMap<PageText, { raw: string; el: Element; index: number }[]>();

/**
 * Everything shaped like an INS in the text, labelled or not, with the block element holding it.
 * Detectors that look at the markup (banner, table) start from these and walk up (`closest`),
 * never over the whole page: on a page without one they cost one scan of the text, done once.
 */
export function insLike(page: PageText): { raw: string; el: Element; index: number }[] {
  const cached = insLikeCache.get(page);
  if (cached) return cached;
  const found: { raw: string; el: Element; index: number }[] = [];
  for (const m of page.text.matchAll(INS_ANYWHERE)) {
    const el = elementAt(page, m.index, m.index + m[0].length);
    if (el) found.push({ raw: m[0], el, index: m.index });
  }
  insLikeCache.set(page, found);
  return found;
}

/** A label and its value: after a colon, or in the next cell or line (key/value tables, `dl`). */
const THEN = '(?:[^\\S\\n]*[:：]\\s*|[^\\S\\n]*\\n\\s*)';
/** Where a label may start: not inside a word ("Prénom" holds no "nom"); `\b` knows no accents. */
const START = '(?<![\\p{L}\\d])';
/**
 * Or, in a banner, a label then its value after a space, the value starting with a capital (the
 * capital checked case-sensitively, inside patterns that are not).
 */
const NEXT = `(?:${THEN}|[^\\S\\n]+(?-i:(?=\\p{Lu})))`;

const BIRTH_DATE = new RegExp(
  `(?:date\\s+de\\s+naissance|n[ée]\\(?e?\\)?\\s+le|\\bDDN|naissance|date\\s+of\\s+birth|birth\\s*date|\\bDOB|born(?:\\s+on)?)${THEN}?\\s*(${DATE_PATTERN})`,
  'giu',
);
// DICOM's own date form (YYYYMMDD), only after a DICOM birth-date label: "PatientBirthDate: 19580312".
const DICOM_BIRTH_DATE = new RegExp(`\\bPatient\\s*Birth\\s*Date${THEN}(\\d{4})(\\d{2})(\\d{2})(?!\\d)`, 'giu');
const SEX_LABELLED = new RegExp(
  `${START}(?:sexe|sex|gender|genre|Patient\\s*Sex)${NEXT}(F|M|féminin|masculin|femme|homme|female|male)(?![\\p{L}])`,
  'giu',
);
const SEX_WORD = /(?<![\p{L}])(female|male|féminin|masculin)(?![\p{L}])/giu;
// "Née le" / "Né le" agree the participle with the patient; "Né(e) le" says nothing.
const SEX_PARTICIPLE = /(?<![\p{L}])(née?)\s+le\b/giu;
const FAMILY = new RegExp(
  `${START}(?:nom\\s+de\\s+naissance|nom\\s+de\\s+famille|nom|birth\\s*name|family\\s*name)${NEXT}([^\\n:]{1,80})`,
  'giu',
);
const USED = new RegExp(`${START}nom\\s+(?:d['’]usage|utilisé|marital)${NEXT}([^\\n:]{1,80})`, 'giu');
const GIVEN = new RegExp(
  `${START}(?:pr[ée]noms?(?:\\(s\\))?(?:\\s+de\\s+naissance)?|given\\s*names?|first\\s*names?)${NEXT}([^\\n:]{1,120})`,
  'giu',
);
const PATIENT = new RegExp(
  `${START}(?:Patient\\s*Name|nom\\s+du\\s+patient|patient(?:e)?|name|identité)${NEXT}([^\\n:]{2,120})`,
  'giu',
);
// A name in running text: capitalised words with one in capitals, after a civility or "patient(e)":
// "votre patiente Marie DUPONT née le…", "M. MARTIN Louis (INS : …)", "Mme DUPONT épouse MARTIN".
const WORD = "\\p{Lu}[\\p{L}'’-]*";
const LINK = '(?:[^\\S\\n]+(?:née?|[ée]p(?:ouse|oux)?\\.?|veuve|dite?))?[^\\S\\n]+';
const RUNNING_NAME = new RegExp(
  `(?<![\\p{L}])(?:M\\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|patient(?:e)?|Mr\\.?|Mrs\\.?|Ms\\.?)[^\\S\\n]+(${WORD}(?:${LINK}${WORD}){1,5})`,
  'gu',
);
// Where an unlabelled value runs into the next label on the same line.
// "née MARTIN" (a birth name) belongs to the name; "née le 14/08/1955" does not.
const VALUE_END =
  /\s{2,}|[,;|·•]|\((?!n[ée]e?\s)|\s(?:n[ée]\(?e?\)?\s+le|sexe|INS|DDN|date|female|male|féminin|masculin|\d)\b/iu;
/** A value that is itself a label (a header row read as "Nom" then "Prénom") is no value. */
const LABEL_WORD = /^(?:nom|name|pr[ée]noms?|date|sexe|sex|gender|INS|NIR|DDN|naissance|patient|âge|age|IPP)\b/iu;

const SEX_CODES: Record<string, Sex> = {
  f: 'female',
  féminin: 'female',
  femme: 'female',
  female: 'female',
  m: 'male',
  masculin: 'male',
  homme: 'male',
  male: 'male',
};

/** A sex as banners print it (`F`, `M`, `Féminin`, `homme`, `female`…). */
export function parseSex(raw: string | undefined): Sex | undefined {
  if (!raw) return undefined;
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(SEX_CODES, key) ? SEX_CODES[key] : undefined;
}

function clean(value: string | undefined): string | undefined {
  const v = value?.split(VALUE_END)[0]?.trim();
  return v && /\p{L}/u.test(v) && !LABEL_WORD.test(v) ? v : undefined;
}

/** The match of a global pattern nearest to `anchor` (its first group), or undefined. */
function nearest(re: RegExp, text: string, anchor: number): RegExpMatchArray | undefined {
  let best: RegExpMatchArray | undefined;
  let distance = Infinity;
  for (const m of text.matchAll(re)) {
    const d = Math.abs(m.index - anchor);
    if (d < distance) {
      best = m;
      distance = d;
    }
  }
  return best;
}

const nearestValue = (re: RegExp, text: string, anchor: number) => clean(nearest(re, text, anchor)?.[1]);

/**
 * The traits printed in `text`, each taken at the match nearest `anchor` (the INS's place in it).
 */
export function readTraits(text: string, anchor = 0): Omit<DetectedPatient, 'source' | 'ins'> {
  const traits: Omit<DetectedPatient, 'source' | 'ins'> = {};
  const date = nearest(BIRTH_DATE, text, anchor)?.[1];
  const dicom = nearest(DICOM_BIRTH_DATE, text, anchor);
  const birthDate = date ? parseDate(date) : dicom ? parseDate(`${dicom[1]}-${dicom[2]}-${dicom[3]}`) : undefined;
  if (birthDate) traits.birthDate = birthDate;
  const sexWord = (nearest(SEX_LABELLED, text, anchor) ?? nearest(SEX_WORD, text, anchor))?.[1];
  const participle = nearest(SEX_PARTICIPLE, text, anchor)?.[1]?.toLowerCase();
  const sex = parseSex(sexWord) ?? (participle ? (participle === 'née' ? 'female' : 'male') : undefined);
  if (sex) traits.sex = sex;
  const family = nearestValue(FAMILY, text, anchor);
  const given = nearestValue(GIVEN, text, anchor);
  const used = nearestValue(USED, text, anchor);
  if (family) Object.assign(traits, splitIfWhole(family));
  if (given) traits.givenNames = given;
  if (used) traits.usedName = used;
  if (!traits.familyName || !traits.givenNames) {
    const shown =
      nearestValue(PATIENT, text, anchor) ?? nearestValue(RUNNING_NAME, text, anchor) ?? clean(unlabelledName(text));
    // "DUPONT Marie née MARTIN": split when the form says which part is which (src/core/names.ts).
    if (shown && !traits.familyName && !given) Object.assign(traits, nameTraits(shown));
    else if (shown && !traits.familyName) traits.displayName = shown;
  }
  return traits;
}

/** "Nom : DUPONT^MARIE" or "Nom : DUPONT Marie" under a plain "Nom" label: split it as a name. */
function splitIfWhole(family: string): { familyName?: string; givenNames?: string; displayName?: string } {
  const name = nameTraits(family);
  if (name.familyName && name.givenNames) return { familyName: name.familyName, givenNames: name.givenNames };
  return { familyName: family };
}

/** A banner that starts with the name in capitals: "JEANNE MARIE DARK Female, …". */
function unlabelledName(block: string): string | undefined {
  const line = block.split('\n').find((l) => l.trim().length > 0) ?? '';
  const capitals = /^\s*((?:[A-ZÀ-Ý][A-ZÀ-Ý'’-]+\s+){1,5}[A-ZÀ-Ý][A-ZÀ-Ý'’-]+)(?=\s)/u.exec(line)?.[1];
  if (capitals) return capitals;
  // "BERNARD Lucas Pierre · né le …", "GIRARD^CAMILLE ANNE · DDN …": a first segment that reads as a name.
  const first = line.split(/\s[·•|]\s|\s{2,}/)[0]?.trim() ?? '';
  const name = nameTraits(first);
  return first.length <= 80 && (name.familyName || /^\p{Lu}[\p{Lu}'’ -]*\^\p{Lu}/u.test(first)) ? first : undefined;
}

/** Whether a text carries something of a patient's identity besides a number. */
export const TRAIT_HINT = new RegExp(`${BIRTH_DATE.source}|${FAMILY.source}|${PATIENT.source}`, 'iu');
