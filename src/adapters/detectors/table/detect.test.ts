// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { detectPatients } from '../../index.ts';
import { table } from './detect.ts';

function doc(html: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html');
}

describe('tables with a header row', () => {
  it('reads one patient per row, each with the traits of its own row', () => {
    const d = doc(`
      <table>
        <thead><tr><th>Patient</th><th>Né(e) le</th><th>Sexe</th><th>INS</th><th>Chambre</th></tr></thead>
        <tbody>
          <tr><td>BERNARD Lucas Pierre</td><td>03/12/1984</td><td>M</td><td>1 84 12 69 123 045 31</td><td>12</td></tr>
          <tr><td>GIRARD Sophie</td><td>13/02/1979</td><td>F</td><td>2 79 02 13 055 123 48</td><td>14</td></tr>
          <tr><td>Lit vide</td><td></td><td></td><td></td><td>16</td></tr>
        </tbody>
      </table>`);
    expect(detectPatients(d, { adapters: [table] })).toEqual([
      {
        source: 'table',
        ins: { status: 'valid', value: '184126912304531' },
        familyName: 'BERNARD',
        givenNames: 'Lucas Pierre',
        birthDate: '1984-12-03',
        sex: 'male',
      },
      {
        source: 'table',
        ins: { status: 'valid', value: '279021305512348' },
        familyName: 'GIRARD',
        givenNames: 'Sophie',
        birthDate: '1979-02-13',
        sex: 'female',
      },
    ]);
  });

  it('reports a wrong key as such, and ignores tables without an INS column', () => {
    const d = doc(`
      <table><tr><th>Nom de naissance</th><th>Prénom</th><th>INS :</th></tr>
        <tr><td>LEROY</td><td>Paul</td><td>171059205601833</td></tr></table>
      <table><tr><th>Nom</th><th>Date de naissance</th></tr><tr><td>DUPONT</td><td>12/03/1958</td></tr></table>`);
    expect(detectPatients(d, { adapters: [table] })).toEqual([
      {
        source: 'table',
        ins: { status: 'wrong-key', value: '171059205601833' },
        familyName: 'LEROY',
        givenNames: 'Paul',
      },
    ]);
  });
});
