/** How identities, dates and times are printed to clinicians, on both sides. */

/** `255081416802538` → `2 55 08 14 168 025 38`, the grouping of the carte Vitale. */
export function formatIns(ins: string): string {
  return ins.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7');
}

/** `1955-08-14` → `14/08/1955`. */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * A French date formatter made at its first use and kept: making one costs far more than using it
 * (`toLocaleString` makes one at every call).
 */
function french(options: Intl.DateTimeFormatOptions): (at: number | string | Date) => string {
  let format: Intl.DateTimeFormat | undefined;
  return (at) => (format ??= new Intl.DateTimeFormat('fr-FR', options)).format(new Date(at));
}

/** An epoch time as a French clock time: `10:42`. */
export const formatTime: (at: number) => string = french({ hour: '2-digit', minute: '2-digit' });

/** An epoch time as a French short date and time: `23/11/2026 10:42`. */
export const formatDateTime: (at: number) => string = french({ dateStyle: 'short', timeStyle: 'short' });

/** An instant as the French day it fell on in metropolitan France: `14/08/2026`. */
export const parisDay: (at: string | Date) => string = french({
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** An instant as a French short date and time in metropolitan France: `14/08/2026 10:42`. */
export const parisDateTime: (at: string | Date) => string = french({
  timeZone: 'Europe/Paris',
  dateStyle: 'short',
  timeStyle: 'short',
});
