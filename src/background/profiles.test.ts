import { describe, expect, it } from 'vitest';
import type { DpiProfile } from '../core/protocol.ts';
import { matches } from './profiles.ts';

const profile: DpiProfile = { name: 'DPI', urlPrefix: 'https://dpi.chu.example/patient/', selectors: { ins: '#ins' } };

describe('which pages a banner profile applies to', () => {
  it('matches the same origin under the path prefix', () => {
    expect(matches(profile, 'https://dpi.chu.example/patient/123?tab=1')).toBe(true);
    expect(matches(profile, 'https://dpi.chu.example/admin/')).toBe(false);
  });

  it('is not fooled by a look-alike host, another scheme or port', () => {
    expect(
      matches({ ...profile, urlPrefix: 'https://dpi.chu.example' }, 'https://dpi.chu.example.evil.test/patient/'),
    ).toBe(false);
    expect(matches(profile, 'http://dpi.chu.example/patient/1')).toBe(false);
    expect(matches(profile, 'https://dpi.chu.example:8443/patient/1')).toBe(false);
    expect(matches(profile, 'not a url')).toBe(false);
  });
});
