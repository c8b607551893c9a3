import { describe, expect, it } from 'vitest';
import { checkIns, insKey, insKindOf, normalizeIns } from './ins.ts';

describe('INS key (DOMAIN.md worked examples)', () => {
  it('computes the key of 2550814168025 as 38', () => {
    expect(insKey('2550814168025')).toBe(38);
  });

  it.each([
    '279035121518989', // CI-SIS test INS
    '255081416802538',
    '239088815400243', // ANS FR Core example patient
  ])('accepts %s', (ins) => {
    expect(checkIns(ins)).toEqual({ ok: true, value: ins });
  });

  it('rejects a wrong key and says it is the key', () => {
    expect(checkIns('255081416802539')).toEqual({ ok: false, reason: 'key', value: '255081416802539' });
  });

  it('rejects malformed matricules as format errors', () => {
    for (const bad of ['', '12345', '355081416802538', '2550814168025388', '25508141680253X']) {
      expect(checkIns(bad)).toMatchObject({ ok: false, reason: 'format' });
    }
  });

  it('replaces 2A/2B by 19/18 at the department position only', () => {
    const first13 = '185072A123456';
    const key = insKey(first13);
    expect(key).toBe(97 - Number(1850719123456n % 97n));
    expect(checkIns(first13 + String(key).padStart(2, '0')).ok).toBe(true);
    const b = '292032B004012';
    expect(insKey(b)).toBe(97 - Number(2920318004012n % 97n));
  });

  it('accepts fictitious months (20-42, 50+)', () => {
    for (const month of ['20', '42', '50', '99']) {
      const first13 = `1${'85'}${month}75112345`;
      const ins = first13 + String(insKey(first13)).padStart(2, '0');
      expect(checkIns(ins).ok).toBe(true);
    }
  });

  it('normalises written forms (spaces, NBSP, dots, dashes)', () => {
    expect(normalizeIns('2 55 08 14 168 025 38')).toBe('255081416802538');
    expect(normalizeIns('2.55.08.14.168.025-38')).toBe('255081416802538');
    expect(normalizeIns('2\u00a055\u202f08 14 168 025 38')).toBe('255081416802538');
    expect(checkIns('2 79 03 51 215 189 89').ok).toBe(true);
  });

  it('names the identity kind of each OID', () => {
    expect(insKindOf('urn:oid:1.2.250.1.213.1.4.10')).toBe('test');
    expect(insKindOf('urn:oid:1.2.250.1.213.1.4.8')).toBe('nir');
    expect(insKindOf('urn:oid:9.9')).toBeUndefined();
  });
});
