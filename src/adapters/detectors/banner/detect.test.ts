// @vitest-environment happy-dom
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { savedPage } from '../../../../test/support/saved-page.ts';
import { detectPatients } from '../../index.ts';
import { generic } from '../generic/detect.ts';
import { banner } from './detect.ts';

const page = (name: string) => savedPage(resolve(import.meta.dirname, 'fixtures', name));

describe('generic patient banner', () => {
  it('reads an unlabelled DPI banner: birth name from "née", date with age, sex letter, INS', () => {
    const doc = page('dpi-banner.html');
    // Without labels the text adapter sees no INS at all.
    expect(detectPatients(doc, { adapters: [generic] })).toEqual([]);
    expect(detectPatients(doc, { adapters: [banner] })).toEqual([
      {
        source: 'banner',
        ins: { status: 'valid', value: '258037511234509', guessed: true },
        familyName: 'MARTIN',
        usedName: 'DUPONT',
        givenNames: 'Marie',
        birthDate: '1958-03-12',
        sex: 'female',
      },
    ]);
  });

  it('takes no unlabelled number outside a banner (a valid INS quoted in the notes is ignored)', () => {
    const found = detectPatients(page('dpi-banner.html'));
    expect(found.map((p) => p.ins?.value)).toEqual(['258037511234509']);
  });

  it('takes an unlabelled number with a wrong key for no INS at all', () => {
    expect(detectPatients(page('wrong-key-banner.html'))).toEqual([]);
  });

  it('reads the same banner with the key fixed, and the name in bold', () => {
    const doc = page('wrong-key-banner.html');
    const el = doc.querySelector('.patient-banner')!;
    el.innerHTML = el.innerHTML.replace('018 33', '018 32');
    expect(detectPatients(doc)).toEqual([
      {
        source: 'banner',
        ins: { status: 'valid', value: '171059205601832', guessed: true },
        familyName: 'LEROY',
        givenNames: 'Paul',
        birthDate: '1971-07-04',
        sex: 'male',
      },
    ]);
  });

  it('guesses no birth date when the banner shows several dates without an age', () => {
    const doc = page('dpi-banner.html');
    doc.querySelector('.bp-ddn')!.textContent = '12/03/1958 — entrée 20/11/2026';
    expect(detectPatients(doc, { adapters: [banner] })[0]).not.toHaveProperty('birthDate');
  });
});
