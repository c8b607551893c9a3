/**
 * CSV for spreadsheets (RFC 4180 quoting, `;` separated as French spreadsheets expect), safe to
 * open: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
 * formula (CSV injection, OWASP), so it is prefixed with `'` and shown as the text it is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** A whole file: a BOM (so spreadsheets read UTF-8), the header, one line per row, CRLF. */
export function csvFile(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
