/**
 * Generic detector: a labelled INS in the text read ("INS : 2 55 08 …", "Matricule INS", "INS-NIA",
 * `urn:oid:1.2.250.1.213.1.4.x` then the number, even in the next element, as FHIR pages print it)
 * — or a number under a weaker label ("PatientID", "IPP", "Identifiant") when its key is valid,
 * said so — and the traits printed around it. It reads the regions a recognised site points at (a
 * webmail's open message), else the whole page; its findings carry the site's name when there is
 * one. Around each INS it reads the smallest block that carries a trait, then, for what that
 * block lacks, a bounded window of the text (long letters are read around their patient, never cut
 * off whole), stopping halfway to the next INS so that a neighbour's traits are not taken.
 */
import type { Adapter } from '../../adapter.ts';
import type { DetectedPatient, PageIns } from '../../../core/protocol.ts';
import { checkIns, insKindOf, type InsKind } from '../../../core/ins.ts';
import { enclosingBlocks } from '../../text.ts';
import { INS_VALUE, readTraits, TRAIT_HINT } from '../../traits.ts';

const LABELLED_INS = new RegExp(
  `(?:\\bmatricule\\s+INS|\\bN°\\s*INS|\\bINS(?:[\\s-]?(NIR|NIA))?|\\bNIR)\\b[^\\S\\n]*(?:\\(\\w{1,10}\\))?[^\\S\\n]*(?:n°|no\\.?)?[^\\S\\n]*[:：=#]?\\s*(${INS_VALUE})(?!\\d)`,
  'giu',
);
// Labels that do not say "INS": the number counts only with a valid key, and is marked as guessed.
const WEAK_LABEL = new RegExp(
  `(?:\\bPatient\\s*ID|\\bID\\s+patient|\\bIPP|\\bidentifiant(?:\\s+patient)?|\\bN°\\s*patient)\\b[^\\S\\n]*[:：=#]?\\s*(${INS_VALUE})(?!\\d)`,
  'giu',
);
const OID_INS = /urn:oid:(1\.2\.250\.1\.213\.1\.4\.(?:8|9|10|11))\b\s*[#|:]?\s*([12][\dAB]{12}\d{2})(?!\d)/gi;

/** Text read around an INS for what its own block does not show. */
const WINDOW = 1200;
const MAX_BLOCK = 1500;

interface InsMatch {
  index: number;
  end: number;
  raw: string;
  kind?: InsKind;
  weak?: boolean;
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
  for (const m of text.matchAll(WEAK_LABEL)) {
    if (checkIns(m[1]!).ok) found.push({ index: m.index, end: m.index + m[0].length, raw: m[1]!, weak: true });
  }
  return found.sort((a, b) => a.index - b.index);
}

function toPageIns(match: InsMatch): PageIns {
  const check = checkIns(match.raw);
  if (!check.ok) return { status: 'wrong-key', value: check.value };
  return {
    status: 'valid',
    value: check.value,
    ...(match.kind ? { kind: match.kind } : {}),
    ...(match.weak ? { guessed: true as const } : {}),
  };
}

export const generic: Adapter = {
  id: 'generic',
  detect(_doc, { site, text: page }) {
    const patients: DetectedPatient[] = [];
    const matches = findIns(page.text);
    matches.forEach((match, i) => {
      const blocks = enclosingBlocks(page, match.index, match.end).filter((b) => b.end - b.start <= MAX_BLOCK);
      // The smallest block that also carries a trait; else the smallest block around the INS.
      const block = blocks.find((b) => TRAIT_HINT.test(page.text.slice(b.start, b.end))) ?? blocks[0];
      const own = block ? readTraits(page.text.slice(block.start, block.end), match.index - block.start) : {};
      // The window: bounded, and never past halfway to the neighbouring INS (another patient's).
      const previous = matches[i - 1];
      const next = matches[i + 1];
      const from = Math.max(match.index - WINDOW, previous ? Math.ceil((previous.end + match.index) / 2) : 0);
      const to = Math.min(match.end + WINDOW, next ? Math.floor((match.end + next.index) / 2) : page.text.length);
      const around = readTraits(page.text.slice(from, to), match.index - from);
      patients.push({ source: site ?? 'generic', ins: toPageIns(match), ...combine(own, around) });
    });
    return patients;
  },
};

type Traits = ReturnType<typeof readTraits>;
const NAME_PARTS = ['familyName', 'givenNames', 'displayName', 'usedName'] as const;

/** The block's traits win; its name is taken whole or not at all (never half from each). */
function combine(own: Traits, around: Traits): Traits {
  const ownName = NAME_PARTS.some((k) => own[k] !== undefined);
  const base = ownName
    ? Object.fromEntries(Object.entries(around).filter(([k]) => !(NAME_PARTS as readonly string[]).includes(k)))
    : around;
  return { ...base, ...own };
}
