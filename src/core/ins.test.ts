import { describe, expect, it } from 'vitest';
import { checkIns, INS_KINDS, INS_OID, insKey, insKindOf, normalizeIns } from './ins.ts';

describe('INS key (docs/domain.md worked examples)', () => {
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

describe('INS kinds', () => {
  it('says which are real patients and which identifier use each takes', () => {
    expect(Object.keys(INS_KINDS).sort()).toEqual(Object.keys(INS_OID).sort());
    expect(INS_KINDS.nia).toEqual({ use: 'temp', realPatient: true });
    expect(INS_KINDS.nir.realPatient).toBe(true);
    expect(INS_KINDS.test.realPatient || INS_KINDS.demo.realPatient).toBe(false);
  });
});

describe('INS key, property-based over many generated matricules', () => {
  // A small deterministic generator (mulberry32): the same cases on every run.
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const next = random(20261123);
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const matricule = () => {
    const month = String(1 + Math.floor(next() * 99)).padStart(2, '0'); // real and fictitious months
    const dept = next() < 0.1 ? (next() < 0.5 ? '2A' : '2B') : digits(2);
    return `${1 + Math.floor(next() * 2)}${digits(2)}${month}${dept}${digits(6)}`;
  };
  const withKey = (first13: string) => first13 + String(insKey(first13)).padStart(2, '0');

  it('accepts every matricule with its computed key, in every written form', () => {
    for (let i = 0; i < 5000; i++) {
      const ins = withKey(matricule());
      const spaced = `${ins[0]} ${ins.slice(1, 3)} ${ins.slice(3, 5)} ${ins.slice(5, 7)} ${ins.slice(7, 10)} ${ins.slice(10, 13)} ${ins.slice(13)}`;
      for (const form of [
        ins,
        spaced,
        spaced.replaceAll(' ', '.'),
        spaced.replaceAll(' ', '\u00a0'),
        ins.toLowerCase(),
      ]) {
        expect(checkIns(form), form).toEqual({ ok: true, value: ins });
      }
    }
  });

  it('detects every single-character error (mod 97 catches them all)', () => {
    for (let i = 0; i < 500; i++) {
      const ins = withKey(matricule());
      for (let pos = 0; pos < 15; pos++) {
        if (pos === 0 || ins[pos] === 'A' || ins[pos] === 'B') continue; // sex digit changes are format errors
        const changed =
          ins.slice(0, pos) + String((Number(ins[pos]) + 1 + Math.floor(next() * 9)) % 10) + ins.slice(pos + 1);
        if (changed === ins) continue;
        expect(checkIns(changed).ok, `${ins} → ${changed}`).toBe(false);
      }
    }
  });

  it('never reads 2A/2B anywhere but the department', () => {
    const ins = withKey('185072A123456');
    expect(checkIns(ins).ok).toBe(true);
    expect(checkIns(`18507${ins.slice(5, 7)}2A3456${ins.slice(13)}`)).toMatchObject({ ok: false, reason: 'format' });
    expect(checkIns(`1852A${ins.slice(5)}`)).toMatchObject({ ok: false, reason: 'format' });
  });
});
