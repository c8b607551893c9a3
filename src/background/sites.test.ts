import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../test/support/memory-area.ts';
import { fakeScripting } from '../../test/support/scripting.ts';
import { createSites, SCRIPT_ID, siteOf } from './sites.ts';

function setup(grantedPatterns: string[]) {
  const local = memoryArea();
  const granted = new Set(grantedPatterns);
  const { api, scripts } = fakeScripting();
  const sites = createSites({
    local,
    scripting: api,
    granted: async (p) => granted.has(p),
    script: 'assets/index.ts-abc.js',
  });
  return { local, granted, scripts, sites };
}

describe('what a user types as a site', () => {
  it.each([
    ['webmail.chu-exemple.fr', 'https://webmail.chu-exemple.fr'],
    ['https://webmail.chu-exemple.fr/roundcube/?_task=mail&_uid=12', 'https://webmail.chu-exemple.fr'],
    ['  HTTPS://DPI.Hopital.FR:8443/patient  ', 'https://dpi.hopital.fr'],
    ['http://dpi.intranet.local', 'http://dpi.intranet.local'],
    ['http://127.0.0.1:8788/webmail.html', 'http://127.0.0.1'],
  ])('%s → %s', (input, site) => {
    expect(siteOf(input)).toBe(site);
  });

  it.each(['', 'ftp://files.chu.fr', 'javascript:alert(1)', 'file:///etc/passwd', 'https://', 'chrome://extensions'])(
    'refuses %j',
    (input) => {
      expect(siteOf(input)).toBeUndefined();
    },
  );
});

describe('the content script runs only on enabled sites', () => {
  it('registers nothing until a site is enabled', async () => {
    const { sites, scripts } = setup([]);
    expect(await sites.sync()).toEqual([]);
    expect(scripts.size).toBe(0);
  });

  it('registers the content script, in every frame, for exactly the enabled sites', async () => {
    const { sites, scripts } = setup(['https://webmail.chu.fr/*', 'https://dpi.chu.fr/*']);
    expect(await sites.set(['https://webmail.chu.fr', 'https://dpi.chu.fr'])).toEqual([
      'https://dpi.chu.fr',
      'https://webmail.chu.fr',
    ]);
    expect(scripts.get(SCRIPT_ID)).toMatchObject({
      matches: ['https://dpi.chu.fr/*', 'https://webmail.chu.fr/*'],
      js: ['assets/index.ts-abc.js'],
      allFrames: true,
    });
    await sites.set(['https://dpi.chu.fr']);
    expect(scripts.get(SCRIPT_ID)?.matches).toEqual(['https://dpi.chu.fr/*']);
    await sites.set([]);
    expect(scripts.size).toBe(0);
  });

  it('refuses a site whose host permission the browser has not granted, and keeps the list as it was', async () => {
    const { sites, scripts } = setup(['https://webmail.chu.fr/*']);
    await sites.set(['https://webmail.chu.fr']);
    await expect(sites.set(['https://webmail.chu.fr', 'https://evil.example'])).rejects.toThrow('no host permission');
    expect(await sites.get()).toEqual(['https://webmail.chu.fr']);
    expect(scripts.get(SCRIPT_ID)?.matches).toEqual(['https://webmail.chu.fr/*']);
  });

  it('drops a site whose permission was withdrawn in the browser', async () => {
    const { sites, scripts, granted } = setup(['https://webmail.chu.fr/*', 'https://dpi.chu.fr/*']);
    await sites.set(['https://webmail.chu.fr', 'https://dpi.chu.fr']);
    granted.delete('https://dpi.chu.fr/*');
    expect(await sites.sync()).toEqual(['https://webmail.chu.fr']);
    expect(await sites.get()).toEqual(['https://webmail.chu.fr']);
    expect(scripts.get(SCRIPT_ID)?.matches).toEqual(['https://webmail.chu.fr/*']);
  });

  it('survives overlapping synchronisations (install, start-up and a permission event at once)', async () => {
    const { sites, scripts } = setup(['https://webmail.chu.fr/*']);
    await sites.set(['https://webmail.chu.fr']);
    await Promise.all([sites.sync(), sites.sync(), sites.sync()]);
    expect([...scripts.keys()]).toEqual([SCRIPT_ID]);
  });

  it('ignores a stored list that does not parse (nothing runs rather than something unexpected)', async () => {
    const { sites, local, scripts } = setup(['https://x.fr/*']);
    await local.set({ sites: ['https://x.fr', '<all_urls>'] });
    expect(await sites.sync()).toEqual([]);
    expect(scripts.size).toBe(0);
  });
});
