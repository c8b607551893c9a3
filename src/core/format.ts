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

/** An epoch time as a French clock time: `10:42`. */
export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
}

/** An epoch time as a French short date and time: `23/11/2026 10:42`. */
export function formatDateTime(at: number): string {
  return new Date(at).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
}

/** An instant as the French day it fell on in metropolitan France: `14/08/2026`. */
export function parisDay(at: string | Date): string {
  return new Date(at).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
}

/** An instant as a French short date and time in metropolitan France: `14/08/2026 10:42`. */
export function parisDateTime(at: string | Date): string {
  return new Date(at).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
}
