import { describe, expect, it } from 'vitest';
import type { DetectedPatient, PlatformPatient } from './protocol.ts';
import { conflictingTraits, differingTraits, mergeReadings, normalizeName, vigilance } from './traits.ts';

const held: PlatformPatient = {
  id: 'p1',
  ins: '255081416802538',
  insKind: 'test',
  birthName: 'LEFÈVRE',
  givenNames: 'MARIE CLAIRE',
  birthDate: '1955-08-14',
  sex: 'female',
};

describe('identity vigilance', () => {
  it('normalises accents, case, hyphens and apostrophes', () => {
    expect(normalizeName("Lefèvre-D'Arc  ")).toBe('LEFEVRE D ARC');
  });

  it('finds no difference when the page agrees (labelled traits)', () => {
    expect(
      differingTraits(
        { source: 't', familyName: 'Lefevre', givenNames: 'Marie', birthDate: '1955-08-14', sex: 'female' },
        held,
      ),
    ).toEqual([]);
  });

  it('names every differing trait', () => {
    expect(
      differingTraits(
        { source: 't', familyName: 'MARTIN', givenNames: 'Claire', birthDate: '1955-08-15', sex: 'male' },
        held,
      ),
    ).toEqual(['birthName', 'givenName', 'birthDate', 'sex']);
  });

  it('checks an unlabelled display name for the birth name and first given name', () => {
    expect(differingTraits({ source: 't', displayName: 'MARIE LEFEVRE' }, held)).toEqual([]);
    expect(differingTraits({ source: 't', displayName: 'CLAIRE LEFEVRE' }, held)).toEqual(['givenName']);
    expect(differingTraits({ source: 't', displayName: 'MARIE DURAND' }, held)).toEqual(['birthName']);
  });

  it('compares the first given name whole: a compound one is not its first part', () => {
    const jeanPierre = { ...held, birthName: 'DUPONT', givenNames: 'JEAN-PIERRE PAUL' };
    const given = (givenNames: string) => differingTraits({ source: 't', givenNames }, jeanPierre);
    expect(given('Jean-Pierre')).toEqual([]);
    expect(given('Jean Pierre Paul')).toEqual([]);
    expect(given('JEAN-PIERRE, Paul')).toEqual([]);
    expect(given('Jean')).toEqual(['givenName']);
    expect(given('Pierre')).toEqual(['givenName']);
    expect(given('Paul Jean-Pierre')).toEqual(['givenName']);
    const shown = (displayName: string) => differingTraits({ source: 't', displayName }, jeanPierre);
    expect(shown('DUPONT Jean-Pierre')).toEqual([]);
    expect(shown('DUPONT Jean')).toEqual(['givenName']);
    // Two given names, not one compound: the first is MARIE, whatever follows on the page.
    expect(differingTraits({ source: 't', givenNames: 'Marie' }, held)).toEqual([]);
    expect(differingTraits({ source: 't', givenNames: 'Marie-Claire' }, held)).toEqual([]);
  });

  it('does not invent differences for traits the page does not show', () => {
    expect(differingTraits({ source: 't' }, held)).toEqual([]);
  });
});

describe('no comparison, no reassurance', () => {
  const page = (traits: Partial<DetectedPatient>): DetectedPatient => ({ source: 'test', ...traits });
  const full = { familyName: 'LEFÈVRE', givenNames: 'Marie Claire', birthDate: '1955-08-14', sex: 'female' as const };

  it('agrees only when the birth name and the birth date were read and agree', () => {
    const v = vigilance(page(full), held);
    expect(v.verdict).toBe('agree');
    expect(v.checks.every((c) => c.read && c.agrees)).toBe(true);
  });

  it('is not verifiable when the page shows no trait, naming the required ones', () => {
    const v = vigilance(page({}), held);
    expect(v).toMatchObject({ verdict: 'not-verifiable', differing: [], unverified: ['birthName', 'birthDate'] });
    expect(v.checks.map((c) => c.read)).toEqual([false, false, false, false]);
  });

  it('is not verifiable when only the birth date and sex were read (the name missing), even if they agree', () => {
    expect(vigilance(page({ birthDate: '1955-08-14', sex: 'female' }), held)).toMatchObject({
      verdict: 'not-verifiable',
      unverified: ['birthName'],
    });
  });

  it('is not verifiable with a name but no birth date', () => {
    expect(vigilance(page({ displayName: 'Marie Claire LEFÈVRE' }), held)).toMatchObject({
      verdict: 'not-verifiable',
      unverified: ['birthDate'],
    });
  });

  it('disagrees when anything read differs, however few traits were read', () => {
    expect(vigilance(page({ sex: 'male' }), held)).toMatchObject({ verdict: 'disagree', differing: ['sex'] });
  });

  it('disagrees when two readings of the page differ with each other, though each agrees alone', () => {
    const merged = mergeReadings(page({ ...full }), page({ birthDate: '1955-08-15' }));
    expect(merged.conflicting).toEqual(['birthDate']);
    expect(vigilance(merged, held)).toMatchObject({ verdict: 'disagree', differing: ['birthDate'] });
  });

  it('merges a reading without traits (a subject line) with one that has them (the body)', () => {
    const merged = mergeReadings(
      page({}),
      page({ familyName: 'NGUYEN', givenNames: 'Thomas', birthDate: '1993-07-18' }),
    );
    expect(merged).toMatchObject({ familyName: 'NGUYEN', givenNames: 'Thomas', birthDate: '1993-07-18' });
    expect(merged.conflicting).toBeUndefined();
  });

  it('finds a birth name conflict between a split name and a printed whole one', () => {
    expect(conflictingTraits(page({ familyName: 'DUPONT' }), page({ displayName: 'Marie MARTIN' }))).toEqual([
      'birthName',
    ]);
    expect(conflictingTraits(page({ familyName: 'DUPONT' }), page({ displayName: 'Marie DUPONT' }))).toEqual([]);
  });

  it('finds a given name conflict when one reading shows only the first part of a compound first name', () => {
    const given = (a: string, b: string) => conflictingTraits(page({ givenNames: a }), page({ givenNames: b }));
    expect(given('Jean', 'Jean-Pierre')).toEqual(['givenName']);
    expect(given('Jean-Pierre', 'Jean')).toEqual(['givenName']);
    expect(given('Jean-Pierre', 'JEAN PIERRE Paul')).toEqual([]);
    expect(given('Marie Claire', 'Marie')).toEqual([]);
    expect(given('Marie', 'Claire')).toEqual(['givenName']);
  });
});
