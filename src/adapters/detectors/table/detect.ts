/**
 * Tables with a header row, as letters, lab results and ward lists print patients:
 * `| Nom de naissance | Prénoms | Date de naissance | INS |` then one row per patient. A column
 * is recognised by its header; a table is read only when one of its columns is the INS.
 */
import { parseDate } from '../../../core/dates.ts';
import { checkIns } from '../../../core/ins.ts';
import { nameTraits } from '../../../core/names.ts';
import type { DetectedPatient } from '../../../core/protocol.ts';
import type { Adapter } from '../../adapter.ts';
import { insLike, parseSex } from '../../traits.ts';

type Column = 'ins' | 'familyName' | 'usedName' | 'givenNames' | 'displayName' | 'birthDate' | 'sex';

const HEADERS: [Column, RegExp][] = [
  ['ins', /^(?:matricule\s+)?(?:INS(?:[\s-]?NIR)?|NIR)(?:\s*\(.*\))?$/iu],
  ['familyName', /^nom(?:\s+de\s+naissance|\s+de\s+famille)?$/iu],
  ['usedName', /^nom\s+(?:d['’]usage|utilisé|marital)$/iu],
  ['givenNames', /^pr[ée]noms?(?:\s*\(s\))?(?:\s+de\s+naissance)?$/iu],
  ['displayName', /^(?:patient(?:e)?|nom\s+(?:et\s+)?pr[ée]noms?)$/iu],
  ['birthDate', /^(?:date\s+de\s+naissance|DDN|n[ée]\s*\(?e?\)?\s+le|naissance|date\s+of\s+birth|DOB)$/iu],
  ['sex', /^(?:sexe|sex)$/iu],
];
const MAX_TABLES = 20;
const MAX_ROWS = 200;

const cellText = (cell: Element | undefined) => cell?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/** The header row's columns, when it has an INS column and at least one trait. */
function columnsOf(row: HTMLTableRowElement): Map<Column, number> | undefined {
  const columns = new Map<Column, number>();
  [...row.cells].forEach((cell, i) => {
    const label = cellText(cell).replace(/\s*[:：]$/, '');
    const column = HEADERS.find(([, re]) => re.test(label))?.[0];
    if (column && !columns.has(column)) columns.set(column, i);
  });
  return columns.has('ins') && columns.size >= 2 ? columns : undefined;
}

function readRow(row: HTMLTableRowElement, columns: Map<Column, number>): DetectedPatient | undefined {
  const value = (c: Column) => {
    const i = columns.get(c);
    return i === undefined ? '' : cellText(row.cells[i]);
  };
  const check = checkIns(value('ins'));
  if (!check.ok && check.reason === 'format') return undefined;
  const patient: DetectedPatient = {
    source: 'table',
    ins: check.ok ? { status: 'valid', value: check.value } : { status: 'wrong-key', value: check.value },
  };
  for (const c of ['familyName', 'usedName', 'givenNames'] as const) {
    const v = value(c).slice(0, c === 'givenNames' ? 200 : 100);
    if (/\p{L}/u.test(v)) patient[c] = v;
  }
  // A "Patient" column: "BERNARD Lucas" is split into its parts when the form allows.
  const shown = value('displayName').slice(0, 200);
  if (/\p{L}/u.test(shown) && !patient.familyName) Object.assign(patient, nameTraits(shown));
  const birthDate = parseDate(value('birthDate'));
  const sex = parseSex(value('sex'));
  if (birthDate) patient.birthDate = birthDate;
  if (sex) patient.sex = sex;
  return patient;
}

export const table: Adapter = {
  id: 'table',
  detect(_doc, { site, text }) {
    // Only the tables that hold something shaped like an INS, found from the text.
    const tables = [...new Set(insLike(text).flatMap(({ el }) => el.closest('table') ?? []))].slice(
      0,
      MAX_TABLES,
    ) as HTMLTableElement[];
    const patients: DetectedPatient[] = [];
    for (const t of tables) {
      const rows = [...t.rows].slice(0, MAX_ROWS);
      const headerAt = rows.findIndex((r) => columnsOf(r));
      if (headerAt < 0) continue;
      const columns = columnsOf(rows[headerAt]!)!;
      for (const row of rows.slice(headerAt + 1)) {
        const patient = readRow(row, columns);
        if (patient) patients.push(site ? { ...patient, source: site } : patient);
      }
    }
    return patients;
  },
};
