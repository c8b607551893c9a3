// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DetectedPatients } from '../../../core/protocol.ts';
import { detectPatients } from '../../index.ts';
import { generic } from './detect.ts';

function load(path: string): Document {
  const doc = document.implementation.createHTMLDocument('');
  doc.documentElement.innerHTML = readFileSync(new URL(path, import.meta.url), 'utf8')
    .replace(/^<!doctype html>/i, '')
    .replace(/<\/?html[^>]*>/gi, '')
    // Saved pages are read offline: drop their external stylesheets.
    .replace(/<link[^>]*>/gi, '');
  return doc;
}

const detect = (path: string) => {
  const found = detectPatients(load(path), { adapters: [generic] });
  expect(DetectedPatients.safeParse(found).success).toBe(true);
  return found;
};

describe('generic adapter on saved pages', () => {
  it('finds the patient of the demo webmail message, in its reading pane, with the name split', () => {
    expect(detect('../../../../demo/pages/webmail.html')).toEqual([
      {
        source: 'message-view',
        ins: { status: 'valid', value: '255081416802538' },
        familyName: 'LEFÈVRE',
        givenNames: 'Marie Claire',
        birthDate: '1955-08-14',
        sex: 'female',
      },
    ]);
  });

  it('reads a labelled DPI banner', () => {
    expect(detect('../../../../demo/pages/dpi.html')).toEqual([
      {
        source: 'generic',
        ins: { status: 'valid', value: '184126912304531' },
        familyName: 'BERNARD',
        givenNames: 'Lucas Pierre',
        birthDate: '1984-12-03',
        sex: 'male',
      },
    ]);
  });

  it('reads the banner of the ANS FHIR IG page (OID form, ISO date, English sex)', () => {
    expect(detect('./fixtures/ans-ig-patient-frpatient-exemple.html')).toEqual([
      {
        source: 'generic',
        ins: { status: 'valid', value: '239088815400243', kind: 'nir' },
        displayName: 'JEANNE MARIE DARK',
        birthDate: '1939-08-13',
        sex: 'female',
      },
    ]);
  });

  it('lists every patient of a ward list with the traits of their own row, and skips hidden text', () => {
    const found = detect('./fixtures/ward-list.html');
    expect(found.map((p) => [p.ins?.value, p.familyName, p.givenNames, p.birthDate])).toEqual([
      ['184126912304531', 'BERNARD', 'Lucas Pierre', '1984-12-03'],
      ['162052A00401233', 'CASANOVA', 'Paul Ange', '1962-05-10'],
    ]);
  });

  it('reports a wrong-key INS as such', () => {
    expect(detect('./fixtures/wrong-key.html')[0]?.ins).toEqual({ status: 'wrong-key', value: '201113307200873' });
  });

  it('finds nothing on a page without a labelled INS', () => {
    expect(detect('./fixtures/no-patient.html')).toEqual([]);
  });
});

describe('adapter registry', () => {
  it('keeps going when one adapter throws, and reports it', () => {
    const errors: string[] = [];
    const broken = {
      id: 'broken',
      detect: () => {
        throw new Error('boom');
      },
    };
    const found = detectPatients(load('../../../../demo/pages/dpi.html'), {
      adapters: [broken, generic],
      onError: (id) => errors.push(id),
    });
    expect(errors).toEqual(['broken']);
    expect(found).toHaveLength(1);
  });

  it('merges the same INS found twice', () => {
    const found = detectPatients(load('../../../../demo/pages/dpi.html'), { adapters: [generic, generic] });
    expect(found).toHaveLength(1);
  });
});
