import { describe, expect, it } from 'vitest';
import { parsePrintedName, type PrintedName } from './names.ts';

describe('names as clinical software prints them', () => {
  it.each<[string, PrintedName]>([
    ['DUPONT Marie', { birthName: 'DUPONT', givenNames: 'Marie' }],
    ['DUPONT Marie Claire', { birthName: 'DUPONT', givenNames: 'Marie Claire' }],
    ['Marie DUPONT', { birthName: 'DUPONT', givenNames: 'Marie' }],
    ['Marie-Claire DUPONT', { birthName: 'DUPONT', givenNames: 'Marie-Claire' }],
    ['Mme DUPONT Marie', { birthName: 'DUPONT', givenNames: 'Marie' }],
    ['M. LE GALL Yann', { birthName: 'LE GALL', givenNames: 'Yann' }],
    ['Yann LE GALL', { birthName: 'LE GALL', givenNames: 'Yann' }],
    ["N'DIAYE Awa", { birthName: "N'DIAYE", givenNames: 'Awa' }],
    ["D'ARC Jeanne", { birthName: "D'ARC", givenNames: 'Jeanne' }],
    ['MARTIN-DURAND Anne-Sophie', { birthName: 'MARTIN-DURAND', givenNames: 'Anne-Sophie' }],
    ['LEFÈVRE Élodie', { birthName: 'LEFÈVRE', givenNames: 'Élodie' }],
    ['  DUPONT\u00a0 Marie ', { birthName: 'DUPONT', givenNames: 'Marie' }],
    // HL7 v2 XPN, as interfaces and some DPIs print it.
    ['DUPONT^MARIE', { birthName: 'DUPONT', givenNames: 'MARIE' }],
    ['DUPONT^MARIE^CLAIRE', { birthName: 'DUPONT', givenNames: 'MARIE CLAIRE' }],
    ['DUPONT^^', { birthName: 'DUPONT' }],
    // Used name and birth name.
    ['DUPONT Marie née MARTIN', { birthName: 'MARTIN', usedName: 'DUPONT', givenNames: 'Marie' }],
    ['Mme DUPONT (née MARTIN) Marie', { birthName: 'MARTIN', usedName: 'DUPONT', givenNames: 'Marie' }],
    ['Marie DUPONT née LE GALL', { birthName: 'LE GALL', usedName: 'DUPONT', givenNames: 'Marie' }],
    ['MARTIN ép. DUPONT Marie', { birthName: 'MARTIN', usedName: 'DUPONT', givenNames: 'Marie' }],
    ['MARTIN épouse DUPONT Marie', { birthName: 'MARTIN', usedName: 'DUPONT', givenNames: 'Marie' }],
    ['Paul DURAND né MARTIN', { birthName: 'MARTIN', usedName: 'DURAND', givenNames: 'Paul' }],
  ])('%j', (raw, expected) => {
    expect(parsePrintedName(raw)).toEqual(expected);
  });

  it.each([
    // All capitals: family and given names cannot be told apart; never guessed.
    'JEANNE MARIE DARK',
    'DUPONT MARIE',
    // All mixed case: same.
    'Marie Dupont',
    // One word.
    'DUPONT',
    // Capitals on both sides of a mixed-case word.
    'DUPONT Marie MARTIN',
  ])('leaves %j whole rather than guess', (raw) => {
    expect(parsePrintedName(raw)).toEqual({ displayName: raw });
  });

  it('returns nothing for an empty name', () => {
    expect(parsePrintedName('  ')).toEqual({});
    expect(parsePrintedName('Mme ')).toEqual({ displayName: 'Mme' });
  });
});
