import { describe, expect, it } from 'vitest';
import type { PlatformPatient } from './protocol.ts';
import { differingTraits, normalizeName } from './traits.ts';

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

  it('does not invent differences for traits the page does not show', () => {
    expect(differingTraits({ source: 't' }, held)).toEqual([]);
  });
});
