/**
 * Configured adapter: a DPI's patient banner read through the CSS selectors a user or a hospital
 * administrator set in the options (`DpiProfile`). For banners without the labels the generic
 * adapter needs. Each profile reads one patient: the banner of the open record.
 */
import { checkIns } from '../../core/ins.ts';
import { parseDate } from '../../core/dates.ts';
import type { DetectedPatient, DpiProfile } from '../../core/protocol.ts';
import type { Adapter } from '../adapter.ts';
import { parseSex } from '../traits.ts';

const read = (doc: Document, selector: string | undefined) =>
  selector ? doc.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() || undefined : undefined;

function fromProfile(doc: Document, { selectors }: DpiProfile): DetectedPatient | undefined {
  const rawIns = read(doc, selectors.ins);
  if (!rawIns) return undefined;
  const check = checkIns(rawIns);
  // Not an INS at all: the selector points elsewhere; a wrong key is reported (and never looked up).
  if (!check.ok && check.reason === 'format') return undefined;
  const patient: DetectedPatient = {
    source: 'configured',
    ins: check.ok ? { status: 'valid', value: check.value } : { status: 'wrong-key', value: check.value },
  };
  const familyName = read(doc, selectors.familyName);
  const givenNames = read(doc, selectors.givenNames);
  const displayName = read(doc, selectors.displayName);
  const birthDate = parseDate(read(doc, selectors.birthDate) ?? '');
  const sex = parseSex(read(doc, selectors.sex));
  if (familyName) patient.familyName = familyName.slice(0, 100);
  if (givenNames) patient.givenNames = givenNames.slice(0, 200);
  if (displayName) patient.displayName = displayName.slice(0, 200);
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
