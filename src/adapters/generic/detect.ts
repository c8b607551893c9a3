/**
 * Generic adapter: a labelled INS in the text read ("INS : 2 55 08 …", "Matricule INS", "INS-NIA",
 * or `urn:oid:1.2.250.1.213.1.4.x#<INS>` as FHIR IG pages print it), and the name, birth date and
 * sex printed in the same block. It reads the regions a recognised site points at (a webmail's
 * open message), else the whole page; its findings carry the site's name when there is one.
 */
import type { Adapter } from '../adapter.ts';
import type { DetectedPatient, PageIns, Sex } from '../../core/protocol.ts';
import { checkIns, insKindOf, type InsKind } from '../../core/ins.ts';
import { DATE_PATTERN, parseDate } from '../../core/dates.ts';
import { nameTraits } from '../../core/names.ts';
import { elementAt, enclosingBlocks, type PageText } from '../text.ts';

export const SEP = '[\\s.\\u00a0\\u202f-]*';
// 1 sex digit, 12 characters (digits, or 2A/2B in the department), 2 key digits, with separators.
export const INS_VALUE = `[12](?:${SEP}[\\dAB]){12}(?:${SEP}\\d){2}`;
const INS_ANYWHERE = new RegExp(`(?<![\\d\\p{L}])${INS_VALUE}(?![\\d\\p{L}])`, 'gu');
const insLikeCache = new WeakMap<PageText, { raw: string; el: Element }[]>();

/**
 * Everything shaped like an INS in the text, labelled or not, with the block element holding it.
 * Adapters that look at the markup (banner, table) start from these and walk up (`closest`),
 * never over the whole page: on a page without one they cost one scan of the text, done once.
 */
export function insLike(page: PageText): { raw: string; el: Element }[] {
  const cached = insLikeCache.get(page);
  if (cached) return cached;
  const found: { raw: string; el: Element }[] = [];
  for (const m of page.text.matchAll(INS_ANYWHERE)) {
    const el = elementAt(page, m.index, m.index + m[0].length);
    if (el) found.push({ raw: m[0], el });
  }
  insLikeCache.set(page, found);
  return found;
}
const LABELLED_INS = new RegExp(
  `(?:\\bmatricule\\s+INS|\\bINS(?:[\\s-]?(NIR|NIA))?|\\bNIR)\\b[^\\S\\n]*(?:\\(\\w{1,10}\\))?[^\\S\\n]*(?:n°|no\\.?)?[^\\S\\n]*[:：=#]?\\s*(${INS_VALUE})(?!\\d)`,
  'giu',
);
const OID_INS = /urn:oid:(1\.2\.250\.1\.213\.1\.4\.(?:8|9|10|11))\s*[#|]\s*([12][\dAB]{12}\d{2})(?!\d)/g;

const BIRTH_DATE = new RegExp(
  `(?:date\\s+de\\s+naissance|n[ée]\\(?e?\\)?\\s+le|\\bDDN|naissance|date\\s+of\\s+birth|birth\\s*date|born)\\s*[:：]?\\s*(${DATE_PATTERN})`,
  'iu',
);
const SEX_LABELLED = /\bsexe\s*[:：]?\s*(F|M|féminin|masculin|femme|homme)(?![\p{L}])/iu;
const SEX_WORD = /(?<![\p{L}])(female|male|féminin|masculin)(?![\p{L}])/iu;
// "Née le" / "Né le" agree the participle with the patient; "Né(e) le" says nothing.
const SEX_PARTICIPLE = /(?<![\p{L}])(née?)\s+le\b/iu;
const FAMILY = /\bnom\s+(?:de\s+naissance|de\s+famille)?\s*[:：]\s*([^\n:]{1,80})/iu;
const USED = /\bnom\s+(?:d['’]usage|utilisé|marital)\s*[:：]\s*([^\n:]{1,80})/iu;
const GIVEN = /\bpr[ée]noms?(?:\(s\))?(?:\s+de\s+naissance)?\s*[:：]\s*([^\n:]{1,120})/iu;
const PATIENT = /\bpatient(?:e)?\s*[:：]\s*([^\n:]{2,120})/iu;
// In running text: "votre patiente Mme ROUX Camille, née le …", "M. MARTIN Louis (INS : …)".
const CIVILITY_NAME =
  /(?<![\p{L}])(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle)\s+(\p{Lu}[\p{L}'’-]*(?:[^\S\n]+\p{Lu}[\p{L}'’-]*){1,4})/u;
// Where an unlabelled value runs into the next label on the same line.
// "née MARTIN" (a birth name) belongs to the name; "née le 14/08/1955" does not.
const VALUE_END =
  /\s{2,}|[,;|]|\((?!n[ée]e?\s)|\s(?:n[ée]\(?e?\)?\s+le|sexe|INS|DDN|date|female|male|féminin|masculin)\b/iu;

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
  return raw ? SEX_CODES[raw.trim().toLowerCase()] : undefined;
}

function clean(value: string | undefined): string | undefined {
  const v = value?.split(VALUE_END)[0]?.trim();
  return v && /\p{L}/u.test(v) ? v : undefined;
}

interface InsMatch {
  index: number;
  end: number;
  raw: string;
  kind?: InsKind;
}

function findIns(text: string): InsMatch[] {
  const found: InsMatch[] = [];
  for (const m of text.matchAll(LABELLED_INS)) {
    const label = m[1]?.toUpperCase();
    found.push({ index: m.index, end: m.index + m[0].length, raw: m[2]!, kind: label === 'NIA' ? 'nia' : undefined });
  }
  for (const m of text.matchAll(OID_INS)) {
    found.push({ index: m.index, end: m.index + m[0].length, raw: m[2]!, kind: insKindOf(`urn:oid:${m[1]}`) });
  }
  return found.sort((a, b) => a.index - b.index);
}

function toPageIns(match: InsMatch): PageIns {
  const check = checkIns(match.raw);
  if (!check.ok) return { status: 'wrong-key', value: check.value };
  return match.kind
    ? { status: 'valid', value: check.value, kind: match.kind }
    : { status: 'valid', value: check.value };
}

/** Traits printed in one block of text (the block that holds the INS). */
export function readTraits(block: string): Omit<DetectedPatient, 'source' | 'ins'> {
  const traits: Omit<DetectedPatient, 'source' | 'ins'> = {};
  const date = BIRTH_DATE.exec(block)?.[1];
  const birthDate = date ? parseDate(date) : undefined;
  if (birthDate) traits.birthDate = birthDate;
  const sexWord = (SEX_LABELLED.exec(block) ?? SEX_WORD.exec(block))?.[1]?.toLowerCase();
  const participle = SEX_PARTICIPLE.exec(block)?.[1]?.toLowerCase();
  const sex = sexWord ? SEX_CODES[sexWord] : participle ? (participle === 'née' ? 'female' : 'male') : undefined;
  if (sex) traits.sex = sex;
  const family = clean(FAMILY.exec(block)?.[1]);
  const given = clean(GIVEN.exec(block)?.[1]);
  const used = clean(USED.exec(block)?.[1]);
  if (family) traits.familyName = family;
  if (given) traits.givenNames = given;
  if (used) traits.usedName = used;
  if (!family || !given) {
    const shown =
      clean(PATIENT.exec(block)?.[1]) ?? clean(CIVILITY_NAME.exec(block)?.[1]) ?? clean(unlabelledName(block));
    // "DUPONT Marie née MARTIN": split when the form says which part is which (src/core/names.ts).
    if (shown && !family && !given) Object.assign(traits, nameTraits(shown));
    else if (shown) traits.displayName = shown;
  }
  return traits;
}

/** A banner that starts with the name in capitals: "JEANNE MARIE DARK Female, …". */
function unlabelledName(block: string): string | undefined {
  const line = block.split('\n').find((l) => l.trim().length > 0) ?? '';
  return /^\s*((?:[A-ZÀ-Ý][A-ZÀ-Ý'’-]+\s+){1,5}[A-ZÀ-Ý][A-ZÀ-Ý'’-]+)(?=\s)/u.exec(line)?.[1];
}

const MAX_BLOCK = 1500;
const TRAIT_HINT = new RegExp(`${BIRTH_DATE.source}|${FAMILY.source}|${PATIENT.source}`, 'iu');

export const generic: Adapter = {
  id: 'generic',
  detect(_doc, { site, text: page }) {
    const patients: DetectedPatient[] = [];
    for (const match of findIns(page.text)) {
      const blocks = enclosingBlocks(page, match.index, match.end).filter((b) => b.end - b.start <= MAX_BLOCK);
      // The smallest block that also carries a trait; else the smallest block around the INS.
      const block = blocks.find((b) => TRAIT_HINT.test(page.text.slice(b.start, b.end))) ?? blocks[0];
      const text = block ? page.text.slice(block.start, block.end) : page.text.slice(match.index, match.end);
      patients.push({ source: site ?? 'generic', ins: toPageIns(match), ...readTraits(text) });
    }
    return patients;
  },
};
