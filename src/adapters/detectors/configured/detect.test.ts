// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DetectedPatients, DpiProfiles, type DpiProfile } from '../../../core/protocol.ts';
import { detectPatients } from '../../index.ts';
import { generic } from '../generic/detect.ts';
import { configuredAdapter } from './detect.ts';

const page = () => {
  const doc = document.implementation.createHTMLDocument('');
  doc.body.innerHTML = readFileSync(resolve(import.meta.dirname, '../../../../demo/pages/dpi-custom.html'), 'utf8');
  return doc;
};
const [profile] = DpiProfiles.parse(
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../../demo/dpi-profiles.json'), 'utf8')),
) as [DpiProfile];

describe('configured adapter (banner selectors)', () => {
  it('reads the demo hospital profile on a banner without labels, which the generic adapter cannot', () => {
    const doc = page();
    expect(detectPatients(doc, { adapters: [generic] })).toEqual([]);
    const found = detectPatients(doc, { adapters: [configuredAdapter([profile])] });
    expect(DetectedPatients.safeParse(found).success).toBe(true);
    expect(found).toEqual([
      {
        source: 'configured',
        ins: { status: 'valid', value: '184126912304531' },
        familyName: 'BERNARD',
        givenNames: 'Lucas Pierre',
        birthDate: '1984-12-03',
        sex: 'male',
      },
    ]);
  });

  it('reports a wrong-key INS as such, and nothing when the INS selector points at something else', () => {
    const doc = page();
    doc.querySelector('.pat-id')!.textContent = '184126912304532';
    expect(detectPatients(doc, { adapters: [configuredAdapter([profile])] })[0]!.ins).toEqual({
      status: 'wrong-key',
      value: '184126912304532',
    });
    const elsewhere = { ...profile, selectors: { ...profile.selectors, ins: '.pat-nom' } };
    expect(detectPatients(doc, { adapters: [configuredAdapter([elsewhere])] })).toEqual([]);
    const missing = { ...profile, selectors: { ins: '#nothing-here' } };
    expect(detectPatients(doc, { adapters: [configuredAdapter([missing])] })).toEqual([]);
  });

  it('is isolated when a selector is invalid CSS: the other adapters still run', () => {
    const broken = { ...profile, selectors: { ins: 'div[[[' } };
    const errors: string[] = [];
    const doc = page();
    doc.body.insertAdjacentHTML('beforeend', '<p>INS : 2 79 03 51 215 189 89</p>');
    const found = detectPatients(doc, {
      adapters: [configuredAdapter([broken]), generic],
      onError: (id) => errors.push(id),
    });
    expect(errors).toEqual(['configured']);
    expect(found.map((p) => p.ins?.value)).toEqual(['279035121518989']);
  });

  it('refuses profiles that do not parse: no INS selector, non-http address, oversized selector', () => {
    expect(DpiProfiles.safeParse([{ ...profile, selectors: {} }]).success).toBe(false);
    expect(DpiProfiles.safeParse([{ ...profile, urlPrefix: 'javascript:alert(1)' }]).success).toBe(false);
    expect(DpiProfiles.safeParse([{ ...profile, selectors: { ins: 'x'.repeat(301) } }]).success).toBe(false);
  });
});
