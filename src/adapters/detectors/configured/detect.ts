/**
 * Configured detector: a DPI's patient banner read through the CSS selectors a user or a hospital
 * administrator set in the options (`DpiProfile`: INS, the name as shown, birth name, used name,
 * given names, birth date, sex). For banners without the labels the other detectors need. Each
 * profile reads one patient: the banner of the open record — the first element of each selector
 * the user can see (a single-page DPI keeps earlier patients' banners, hidden, in the document).
 * Names go through the same name reader as everywhere (`src/core/names.ts`): "Lucas Pierre
 * BERNARD" or "DUBOIS^LEA" under the birth-name selector give the birth name, not a false alarm.
 */
import { checkIns } from '../../../core/ins.ts';
import { parseDate } from '../../../core/dates.ts';
import { nameTraits, parsePrintedName } from '../../../core/names.ts';
import type { DetectedPatient, DpiProfile } from '../../../core/protocol.ts';
import type { Adapter } from '../../adapter.ts';
import { parseSex } from '../../traits.ts';
import { hasLayout, isShown } from '../../visible.ts';

/** The text of the first element of `selector` the user can see (every one, without layout). */
export function readSelector(doc: Document, selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  const layout = hasLayout(doc);
  // A selector the browser cannot parse throws: the detector fails alone, reported (index.ts).
  const elements = [...doc.querySelectorAll(selector)];
  const visible = (el: Element) => {
    for (let a: Element | null = el; a; a = a.parentElement) if (!isShown(a)) return false;
    return true;
  };
  const el = elements.find((e) => !layout || visible(e));
  return el?.textContent?.replace(/\s+/g, ' ').trim() || undefined;
}

function fromProfile(doc: Document, { selectors }: DpiProfile): DetectedPatient | undefined {
  const read = (selector: string | undefined) => readSelector(doc, selector);
  const rawIns = read(selectors.ins);
  if (!rawIns) return undefined;
  const check = checkIns(rawIns);
  // Not an INS at all: the selector points elsewhere; a wrong key is reported (and never looked up).
  if (!check.ok && check.reason === 'format') return undefined;
  const patient: DetectedPatient = {
    source: 'configured',
    ins: check.ok ? { status: 'valid', value: check.value } : { status: 'wrong-key', value: check.value },
  };
  const shown = read(selectors.displayName)?.slice(0, 200);
  if (shown) Object.assign(patient, nameTraits(shown));
  const family = read(selectors.familyName)?.slice(0, 100);
  if (family) {
    const parsed = parsePrintedName(family);
    patient.familyName = parsed.birthName ?? family;
    if (parsed.givenNames && !patient.givenNames) patient.givenNames = parsed.givenNames;
    delete patient.displayName;
  }
  const used = read(selectors.usedName)?.slice(0, 100);
  if (used) patient.usedName = used;
  const given = read(selectors.givenNames)?.slice(0, 200);
  if (given) patient.givenNames = given;
  const birthDate = parseDate(read(selectors.birthDate) ?? '');
  const sex = parseSex(read(selectors.sex));
  if (birthDate) patient.birthDate = birthDate;
  if (sex) patient.sex = sex;
  return patient;
}

export function configuredAdapter(profiles: readonly DpiProfile[]): Adapter {
  return {
    id: 'configured',
    // Reads the banner by its selectors: the text scope is not needed.
    detect: (doc) => profiles.flatMap((p) => fromProfile(doc, p) ?? []),
  };
}
