import { describe, expect, it } from 'vitest';
import { ALPHABET, checkSymbol, DATA_LENGTH, findCodes, formatCode, newCode, parseCode } from './share-code.ts';

const CODES = Array.from({ length: 2000 }, () => newCode());

describe('share codes', () => {
  it('are 12 Crockford symbols and a check symbol, written in groups of four', () => {
    for (const code of CODES) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}[0-9A-HJKMNP-TV-Z*~$=U]$/);
      expect(formatCode(code)).toMatch(/^.{4}-.{4}-.{4}-.$/);
      expect(parseCode(formatCode(code))).toEqual({ ok: true, code, locator: code.slice(0, 4) });
    }
  });

  it('use every symbol, evenly enough (60 random bits, no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const code of CODES) for (const s of code.slice(0, DATA_LENGTH)) counts.set(s, (counts.get(s) ?? 0) + 1);
    expect(counts.size).toBe(32);
    const expected = (CODES.length * DATA_LENGTH) / 32;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it('compute the check symbol as the value mod 37 (Crockford)', () => {
    expect(checkSymbol('0')).toBe('0');
    expect(checkSymbol('Z')).toBe('Z'); // 31
    expect(checkSymbol('10')).toBe('*'); // 1·32 + 0 = 32
    expect(checkSymbol('14')).toBe('U'); // 36
    expect(checkSymbol('15')).toBe('0'); // 37 ≡ 0
    expect(checkSymbol('ZZ')).toBe('R'); // 1023 mod 37 = 24 → R
  });

  it('read what people type: case, hyphens, spaces, I/L as 1 and O as 0', () => {
    const code = '1K04-MZ2T-9XHC';
    const data = code.replace(/-/g, '');
    const full = data + checkSymbol(data);
    const typed = `  ${full.slice(0, 4).toLowerCase().replace('1', 'l').replace('0', 'o')} ${full.slice(4, 8)}-${full.slice(8)} `;
    expect(parseCode(typed)).toEqual({ ok: true, code: full, locator: full.slice(0, 4) });
    expect(parseCode(full.replace('1', 'I'))).toMatchObject({ ok: true, code: full });
  });

  it('catch every single mistyped symbol and every swap of two neighbours before any network call', () => {
    for (const code of CODES.slice(0, 200)) {
      for (let i = 0; i < DATA_LENGTH; i++) {
        for (const s of ALPHABET) {
          if (s === code[i]) continue;
          const typo = code.slice(0, i) + s + code.slice(i + 1);
          expect(parseCode(typo)).toEqual({ ok: false, reason: 'check' });
        }
        if (i + 1 < DATA_LENGTH && code[i] !== code[i + 1]) {
          const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          expect(parseCode(swapped)).toEqual({ ok: false, reason: 'check' });
        }
      }
    }
  });

  it('say what is wrong with something that is not a code', () => {
    expect(parseCode('  ')).toEqual({ ok: false, reason: 'empty' });
    expect(parseCode('7KQ4-MZ2T')).toEqual({ ok: false, reason: 'length' });
    expect(parseCode('7KQ4-MZ2T-9XHC-WW')).toEqual({ ok: false, reason: 'length' });
    expect(parseCode('7KQ4-MZ2T-9XHU-W')).toEqual({ ok: false, reason: 'symbol' }); // U: check symbol only
  });

  it('are found at the very start of a text, never inside a longer run of symbols', () => {
    const code = formatCode(CODES[2]!);
    expect(findCodes(code)).toEqual([CODES[2]]);
    expect(findCodes(`Code :\n${code.replace(/-/g, ' ')}`)).toEqual([CODES[2]]);
    expect(findCodes(`X${code}`)).toEqual([]);
    expect(findCodes(`${code}9`)).toEqual([]);
  });

  it('are found in a message, written as on the slip, only with a valid check symbol', () => {
    const [a, b] = CODES.map(formatCode);
    const wrong = a!.slice(0, -1) + (a!.endsWith('0') ? '1' : '0');
    const text = `Bonjour Docteur,\nvoici le code de partage de mon scanner : ${a}.\nAutre : ${b!.toLowerCase()} ; faux : ${wrong}\nRéf. ABCD-EFGH-JKMN-PQRS`;
    expect(findCodes(text)).toEqual([parseCode(a!).ok && CODES[0], CODES[1]]);
  });
});
