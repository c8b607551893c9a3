/**
 * Imaging share codes (issue 7; docs/domain.md "Share codes"): Crockford base32, typed by people.
 *
 * A code is 12 symbols of the alphabet `0123456789ABCDEFGHJKMNPQRSTVWXYZ` (60 random bits) and a
 * mod-37 check symbol (the 37 symbols are the alphabet and `*~$=U`), written in groups of four:
 * `7KQ4-MZ2T-9XHC-W`. The first group **locates** the code on the platform (so that wrong attempts
 * can be counted against it); the other eight symbols are the secret (40 bits). On input, case,
 * hyphens and spaces are ignored and `I`/`L` read as `1`, `O` as `0` (Crockford); the check symbol
 * catches any single mistyped symbol and any swap of two adjacent ones, before any network call.
 *
 * Guessing under the platform's limits (5 wrong attempts per code in its lifetime, 10 wrong codes
 * per professional and 30 per address per 15 minutes): one guess finds a given code with a
 * probability of 2⁻⁴⁰ once its locator is known, and any of a million live codes with 2⁻⁴⁰ too.
 */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = `${ALPHABET}*~$=U`;
export const DATA_LENGTH = 12;
export const LOCATOR_LENGTH = 4;

/** The check symbol of data symbols (already normalised): the number they write, mod 37. */
export function checkSymbol(data: string): string {
  let rest = 0;
  for (const symbol of data) {
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) throw new Error(`not a Crockford symbol: ${symbol}`);
    rest = (rest * 32 + value) % 37;
  }
  return CHECK_ALPHABET[rest]!;
}

/** `7KQ4MZ2T9XHCW` → `7KQ4-MZ2T-9XHC-W`. */
export const formatCode = (code: string) => code.match(/.{1,4}/g)!.join('-');

/** A new code from 60 random bits (Web Crypto: the platform and the browser alike). */
export function newCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(DATA_LENGTH));
  // 12 bytes, 5 bits of each: 60 bits, no modulo bias (32 divides 256).
  const data = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return data + checkSymbol(data);
}

/** What is wrong with a typed code, in French, before anything is sent. */
export const CODE_PROBLEMS = {
  empty: 'Saisissez le code de partage.',
  length: 'Un code de partage a 13 caractères (4 groupes : XXXX-XXXX-XXXX-X).',
  symbol: 'Ce code contient un caractère qui n’existe pas dans les codes de partage.',
  check: 'Ce code contient une faute de frappe : vérifiez-le, caractère par caractère.',
} as const;

export type ParsedCode =
  { ok: true; code: string; locator: string } | { ok: false; reason: 'empty' | 'length' | 'symbol' | 'check' };

/** Reads a typed or pasted code: normalised (case, separators, I/L/O), then its check symbol. */
export function parseCode(input: string): ParsedCode {
  const raw = input
    .toUpperCase()
    .replace(/[\s\-‐‑–—_.]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (raw === '') return { ok: false, reason: 'empty' };
  if (raw.length !== DATA_LENGTH + 1) return { ok: false, reason: 'length' };
  const data = raw.slice(0, DATA_LENGTH);
  const check = raw.slice(DATA_LENGTH);
  if ([...data].some((s) => !ALPHABET.includes(s)) || !CHECK_ALPHABET.includes(check)) {
    return { ok: false, reason: 'symbol' };
  }
  if (checkSymbol(data) !== check) return { ok: false, reason: 'check' };
  return { ok: true, code: raw, locator: raw.slice(0, LOCATOR_LENGTH) };
}

/**
 * The last three groups as the slip and the message write them (`-MZ2T-9XHC-W`, or with spaces);
 * the first group is checked by hand before them. Anchoring on the separator makes the scan of a
 * whole unknown page (1 MB of text) about 4 ms instead of 10 (measured in Node 24).
 */
const TAIL = /[- ][0-9A-Za-z]{4}[- ][0-9A-Za-z]{4}[- ][0-9A-Za-z*~$=](?![0-9A-Za-z])/g;
const SYMBOL = /[0-9A-Za-z]/;

/** Share codes written in a text (a message), valid check symbol only, normalised, each once. */
export function findCodes(text: string, max = 5): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(TAIL)) {
    const start = match.index - 4;
    if (start < 0 || (start > 0 && SYMBOL.test(text[start - 1]!))) continue;
    const head = text.slice(start, match.index);
    if (![...head].every((c) => SYMBOL.test(c))) continue;
    const parsed = parseCode(head + match[0]);
    if (parsed.ok) found.add(parsed.code);
    if (found.size >= max) break;
  }
  return [...found];
}
