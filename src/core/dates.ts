/** Birth dates in the forms clinicians' software prints, to ISO `YYYY-MM-DD`. */

const FR_MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const EN_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase().replace('fevrier', 'février').replace('aout', 'août').replace('decembre', 'décembre');
  const i = FR_MONTHS.indexOf(n);
  const j = i >= 0 ? i : EN_MONTHS.indexOf(n);
  return j >= 0 ? j + 1 : undefined;
}

function iso(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1850 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Source of the date forms the adapters look for; keep in step with `parseDate`. */
export const DATE_PATTERN =
  '\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}|\\d{1,2}(?:er)?\\s+[a-zA-Zéû]+\\s+\\d{4}|[a-zA-Z]+\\s+\\d{1,2},?\\s+\\d{4}';

export function parseDate(raw: string): string | undefined {
  const s = raw.trim().replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s); // French order: day first
  if (m) return iso(+m[3]!, +m[2]!, +m[1]!);
  m = /^(\d{1,2})(?:er)? ([a-zéû]+) (\d{4})$/i.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    return month ? iso(+m[3]!, month, +m[1]!) : undefined;
  }
  m = /^([a-z]+) (\d{1,2}),? (\d{4})$/i.exec(s);
  if (m) {
    const month = monthNumber(m[1]!);
    return month ? iso(+m[3]!, month, +m[2]!) : undefined;
  }
  return undefined;
}
