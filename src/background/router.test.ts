import { describe, expect, it, vi } from 'vitest';
import type { PageContext } from '../core/protocol.ts';
import { memoryKeyStore } from '../../test/support/oidc.ts';
import { memoryArea } from '../../test/support/memory-area.ts';
import { createAuth } from './auth.ts';
import { createHandlers } from './handlers.ts';
import { createRouter, type Sender } from './router.ts';
import { createCareTeam } from './care-team.ts';
import { memoryOutboxStore } from '../../test/support/outbox-store.ts';
import { platformSession } from './platform-session.ts';
import { createSites } from './sites.ts';
import { fakeScripting } from '../../test/support/scripting.ts';

const ID = 'lbicpfomifkfeafmbhcbedgfgjnhcnpi';
const ORIGIN = `chrome-extension://${ID}/`;

function setup() {
  const session = memoryArea();
  const local = memoryArea();
  const sendToTab = vi.fn(async () => {});
  const previewProfile = vi.fn(async () => ({ status: 'no-page' as const }));
  const fetch = vi.fn(async () => new Response('{}'));
  const log = vi.fn();
  const launchWebAuthFlow = vi.fn(async () => 'https://example.invalid/');
  const auth = createAuth({
    session,
    local,
    keys: memoryKeyStore(),
    fetch,
    launchWebAuthFlow,
    redirectUri: 'https://x.chromiumapp.org/',
  });
  const { api: scripting, scripts } = fakeScripting();
  const platform = platformSession(auth, local);
  const sites = createSites({ local, scripting, granted: async () => true, script: 'content.js' });
  const route = createRouter({
    extensionId: ID,
    extensionOrigin: ORIGIN,
    log,
    handlers: createHandlers({
      auth,
      session,
      local,
      sendToTab,
      previewProfile,
      openWindow: async () => {},
      openTab: async () => {},
      hasOrigin: async () => true,
      fetch,
      sites,
      platform,
      careTeam: createCareTeam({ session: platform, store: memoryOutboxStore(), schedule: () => {}, fetch }),
    }),
  });
  return { route, session, local, sendToTab, previewProfile, fetch, log, launchWebAuthFlow, scripts };
}

const content: Sender = { id: ID, url: 'http://127.0.0.1:8788/webmail.html', tab: { id: 7 }, frameId: 0 };
const panel: Sender = { id: ID, url: `${ORIGIN}src/panel/index.html`, tab: { id: 7 }, frameId: 3 };
const optionsPage: Sender = { id: ID, url: `${ORIGIN}src/options/index.html` };
const patient = { source: 'generic', ins: { status: 'valid', value: '255081416802538' }, birthDate: '1955-08-14' };

describe('router: sender rules', () => {
  it('stores what a content script detected, for the panel of the same tab only', async () => {
    const { route } = setup();
    expect(await route({ v: 1, type: 'context.detected', patients: [patient] }, content)).toEqual({ ok: true });
    const got = (await route({ v: 1, type: 'context.get' }, panel)) as { context: PageContext };
    expect(got.context.patients).toEqual([patient]);
    expect(got.context.origin).toBe('http://127.0.0.1:8788');
    const otherTab = await route({ v: 1, type: 'context.get' }, { ...panel, tab: { id: 8 } });
    expect(otherTab).toEqual({ context: null });
  });

  it.each(['context.get', 'settings.get', 'panel.close'])(
    'refuses a content script asking for data (%s)',
    async (type) => {
      const { route, log } = setup();
      expect(await route({ v: 1, type }, content)).toBeUndefined();
      expect(log).toHaveBeenCalledWith('message.dropped', { reason: 'not-allowed', from: 'content', type });
    },
  );

  // A hostile page drives its content script: it must never redeem a code, open a record, start
  // break-glass, issue codes or read the review, whatever it sends.
  it.each([
    { type: 'share.redeem', code: '7KQ4-MZ2T-9XHC-W' },
    { type: 'share.exam', examId: 'exam-lefevre-ct' },
    { type: 'record.summary', patientId: 'demo-lefevre', seen: patient },
    { type: 'record.document', patientId: 'demo-lefevre', documentId: 'demo-lefevre-doc-6' },
    {
      type: 'record.breakGlassPrepare',
      patientId: 'demo-lefevre',
      seen: patient,
      mode: 'bris_de_glace',
      reason: 'urgence-vitale',
      text: 'Forged by the page itself',
    },
    { type: 'record.breakGlass', pendingId: '0b6e6900-0000-4000-8000-000000000001' },
    { type: 'share.issue', examId: 'exam-lefevre-ct', singleUse: false },
    { type: 'review.csv' },
  ])('refuses $type from a content script, and never calls the platform', async (message) => {
    const { route, fetch, log } = setup();
    expect(await route({ v: 1, ...message }, content)).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('message.dropped', { reason: 'not-allowed', from: 'content', type: message.type });
  });

  it('takes share codes found by a content script only well-formed, for its own tab', async () => {
    const { route } = setup();
    const forged = { v: 1, type: 'context.detected', patients: [], shareCodes: ['javascript:alert(1)'] };
    expect(await route(forged, content)).toBeUndefined();
    const code = '7KQ4MZ2T9XHCW';
    expect(await route({ v: 1, type: 'context.detected', patients: [], shareCodes: [code] }, content)).toEqual({
      ok: true,
    });
    const got = (await route({ v: 1, type: 'context.get' }, panel)) as { context: PageContext };
    expect(got.context.shareCodes).toEqual([code]);
  });

  it('lets only extension pages choose where the content script runs', async () => {
    const { route, scripts, local } = setup();
    const forged = { v: 1, type: 'sites.set', sites: ['https://evil.example'] };
    expect(await route(forged, content)).toBeUndefined();
    expect(scripts.size).toBe(0);
    expect(await local.get('sites')).toEqual({});
    const options: Sender = { id: ID, url: `${ORIGIN}src/options/index.html` };
    expect(await route({ v: 1, type: 'sites.set', sites: ['https://webmail.chu.fr'] }, options)).toEqual([
      'https://webmail.chu.fr',
    ]);
    expect(await route({ v: 1, type: 'sites.set', sites: ['<all_urls>'] }, options)).toBeUndefined();
    expect(await route({ v: 1, type: 'sites.get' }, options)).toEqual(['https://webmail.chu.fr']);
  });

  it('refuses an identity confirmation from a content script: only the panel may confirm', async () => {
    const { route, fetch } = setup();
    const forged = { v: 1, type: 'identity.confirm', patientId: 'demo-lefevre', seen: patient, traits: ['sex'] };
    expect(await route(forged, content)).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses a patient lookup from a content script and never calls the platform', async () => {
    const { route, fetch } = setup();
    expect(await route({ v: 1, type: 'patient.lookup', ins: '255081416802538' }, content)).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses messages from another extension, a page without tab, or a non-web scheme', async () => {
    const { route, session } = setup();
    const message = { v: 1, type: 'context.detected', patients: [patient] };
    expect(await route(message, { ...content, id: 'otherextensionid' })).toBeUndefined();
    expect(await route(message, { ...content, tab: undefined })).toBeUndefined();
    expect(await route(message, { ...content, url: 'file:///etc/passwd' })).toBeUndefined();
    expect(await route(message, { ...content, url: undefined })).toBeUndefined();
    expect(session.data.size).toBe(0);
  });

  it('drops malformed, unknown and wrong-version messages without acting, and logs no content', async () => {
    const { route, session, log } = setup();
    const forged = [
      null,
      'context.detected',
      { type: 'context.detected', patients: [patient] },
      { v: 2, type: 'context.detected', patients: [patient] },
      { v: 1, type: 'record.read', ins: '255081416802538' },
      { v: 1, type: 'context.detected', patients: [{ ...patient, birthDate: '14/08/1955' }] },
      { v: 1, type: 'context.detected', patients: Array.from({ length: 51 }, () => patient) },
      { v: 1, type: 'context.detected', patients: [{ ...patient, ins: { status: 'valid', value: '<img src=x>' } }] },
    ];
    for (const message of forged) expect(await route(message, content)).toBeUndefined();
    expect(session.data.size).toBe(0);
    expect(JSON.stringify(log.mock.calls)).not.toContain('255081416802538');
  });

  it('lets the panel close itself through the content script of its own tab', async () => {
    const { route, sendToTab } = setup();
    expect(await route({ v: 1, type: 'panel.close' }, panel)).toEqual({ ok: true });
    expect(sendToTab).toHaveBeenCalledWith(7, { v: 1, type: 'panel.hide' });
  });

  it('asks for a banner preview only for the options page, never for a content script or the panel', async () => {
    const { route, previewProfile } = setup();
    const message = { v: 1, type: 'profiles.preview', urlPrefix: 'http://127.0.0.1:8788/', selectors: { ins: '#ins' } };
    expect(await route(message, content)).toBeUndefined();
    expect(previewProfile).not.toHaveBeenCalled();
    expect(await route(message, panel)).toBeUndefined();
    expect(await route(message, optionsPage)).toEqual({ status: 'no-page' });
    expect(previewProfile).toHaveBeenCalledWith('http://127.0.0.1:8788/', { ins: '#ins' });
  });

  it('accepts the final break-glass confirmation only from its own window, never from the panel', async () => {
    const { route, fetch, log } = setup();
    const message = { v: 1, type: 'record.breakGlass', pendingId: '0b6e6900-0000-4000-8000-000000000001' };
    expect(await route(message, panel)).toBeUndefined();
    expect(log).toHaveBeenCalledWith('message.dropped', {
      reason: 'not-allowed',
      from: 'panel',
      type: 'record.breakGlass',
    });
    const window = { ...panel, url: `${ORIGIN}src/break-glass/index.html?id=x`, tab: undefined };
    expect(await route(message, window)).toMatchObject({ status: 'unavailable', reason: 'refused' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('forgets a frame when its content script reports no patient', async () => {
    const { route, session } = setup();
    await route({ v: 1, type: 'context.detected', patients: [patient] }, content);
    await route({ v: 1, type: 'context.detected', patients: [] }, content);
    expect([...session.data.keys()]).toEqual(['scans:7']);
    expect(session.data.get('scans:7')).toBe(2);
  });

  it('ignores a stored context that no longer parses (storage reads are parsed too)', async () => {
    const { route, session } = setup();
    session.data.set('context:7:0', { origin: 'x', patients: 'not a list', detectedAt: 1 });
    expect(await route({ v: 1, type: 'context.get' }, panel)).toEqual({ context: null });
  });

  it('validates settings and refuses a platform URL that is not http(s)', async () => {
    const { route } = setup();
    expect(
      await route({ v: 1, type: 'settings.set', settings: { platformUrl: 'javascript:alert(1)' } }, optionsPage),
    ).toBeUndefined();
    expect(
      await route({ v: 1, type: 'settings.set', settings: { platformUrl: 'file:///etc' } }, optionsPage),
    ).toBeUndefined();
    const saved = { platformUrl: 'https://passerelle.chu.example' };
    expect(
      await route(
        { v: 1, type: 'settings.set', settings: { platformUrl: 'https://passerelle.chu.example/' } },
        optionsPage,
      ),
    ).toEqual(saved);
    expect(await route({ v: 1, type: 'settings.get' }, optionsPage)).toEqual(saved);
  });

  it('keeps the platform URL saved by an older version and drops the provider it no longer needs', async () => {
    const { route, local } = setup();
    local.data.set('settings', {
      platformUrl: 'https://passerelle.chu.example',
      issuer: 'http://127.0.0.1:8789',
      clientId: 'passerelle-extension',
    });
    expect(await route({ v: 1, type: 'settings.get' }, optionsPage)).toEqual({
      platformUrl: 'https://passerelle.chu.example',
    });
  });
});

describe('router: DPI banner profiles', () => {
  const profile = { name: 'DPI', urlPrefix: 'http://127.0.0.1:8788/dpi', selectors: { ins: '#ins' } };
  const other = { name: 'Autre', urlPrefix: 'https://autre.example/', selectors: { ins: '.ins' } };

  it('lets the options page set them, and gives a content script only those of its own page', async () => {
    const { route } = setup();
    expect(await route({ v: 1, type: 'profiles.set', profiles: [profile, other] }, optionsPage)).toEqual([
      profile,
      other,
    ]);
    expect(
      await route({ v: 1, type: 'profiles.forPage' }, { ...content, url: 'http://127.0.0.1:8788/dpi.html' }),
    ).toEqual([profile]);
    expect(await route({ v: 1, type: 'profiles.forPage' }, content)).toEqual([]);
  });

  it('refuses a content script setting or listing them, and invalid profiles', async () => {
    const { route, log } = setup();
    expect(await route({ v: 1, type: 'profiles.set', profiles: [profile] }, content)).toBeUndefined();
    expect(await route({ v: 1, type: 'profiles.get' }, content)).toBeUndefined();
    expect(log).toHaveBeenCalledWith('message.dropped', expect.objectContaining({ reason: 'not-allowed' }));
    const noIns = { ...profile, selectors: {} };
    expect(await route({ v: 1, type: 'profiles.set', profiles: [noIns] }, optionsPage)).toBeUndefined();
  });
});

describe('router: sign-in messages', () => {
  it.each(['auth.status', 'auth.signIn', 'auth.signOut'])('refuses them from a content script (%s)', async (type) => {
    const { route, log, launchWebAuthFlow } = setup();
    expect(await route({ v: 1, type }, content)).toBeUndefined();
    expect(log).toHaveBeenCalledWith('message.dropped', expect.objectContaining({ reason: 'not-allowed' }));
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('answers the panel: signed out, and a lookup then asks nothing of the platform', async () => {
    const { route, fetch } = setup();
    expect(await route({ v: 1, type: 'auth.status' }, panel)).toEqual({ state: 'signed-out' });
    expect(await route({ v: 1, type: 'patient.lookup', ins: '255081416802538' }, panel)).toEqual({
      status: 'signed-out',
    });
    expect(fetch).not.toHaveBeenCalled();
  });
});
