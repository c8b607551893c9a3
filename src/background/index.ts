/**
 * Service worker. It keeps nothing in module globals that must survive: detected contexts live in
 * `storage.session`, settings in `storage.local`. Listeners are registered synchronously at start,
 * as MV3 requires for a worker woken by an event.
 */
import { PROTOCOL_VERSION } from '../core/version.ts';
import browser, { type Runtime, type Storage } from 'webextension-polyfill';
import { CHANGES_PORT, ProfileReadings, type ContentCommand, type PreviewResult } from '../core/protocol.ts';
import { noticeOf } from './changes.ts';
import { createAuth } from './auth.ts';
import { idbKeyStore } from './dpop-key.ts';
import { forgetTab } from './context-store.ts';
import { createHandlers } from './handlers.ts';
import { createRouter } from './router.ts';
import { createCareTeam } from './care-team.ts';
import { saveIntent } from './intents.ts';
import { idbOutboxStore } from './outbox.ts';
import { platformSession } from './platform-session.ts';
import { createSites, siteOf } from './sites.ts';
// The content script's built file (crxjs builds it as a standalone IIFE, vite.config.ts).
import contentScript from '../content/content-script.ts?script';

const log = (event: string, detail: Record<string, unknown>) => console.warn(`[passerelle] ${event}`, detail);

const sendToTab = async (tabId: number, command: ContentCommand) => {
  await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
};

/**
 * The options page's preview of a banner profile: the top frame of the most recently used tab
 * under the profile's address reads each selector (visible elements only) and answers.
 */
const previewProfile = async (
  urlPrefix: string,
  selectors: Partial<Record<string, string>>,
): Promise<PreviewResult> => {
  const tabs = (await browser.tabs.query({})).filter((t) => t.id !== undefined && t.url?.startsWith(urlPrefix));
  const tab = tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
  if (!tab) return { status: 'no-page' };
  try {
    const answer = ProfileReadings.safeParse(
      await browser.tabs.sendMessage(
        tab.id!,
        { v: PROTOCOL_VERSION, type: 'profile.preview', selectors },
        { frameId: 0 },
      ),
    );
    return answer.success ? { status: 'ok', ...answer.data } : { status: 'no-page' };
  } catch {
    return { status: 'no-page' }; // Passerelle is not active on that page
  }
};

const auth = createAuth({
  session: browser.storage.session,
  local: browser.storage.local,
  keys: idbKeyStore(),
  redirectUri: browser.identity.getRedirectURL(),
  launchWebAuthFlow: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
});

const sites = createSites({
  local: browser.storage.local,
  scripting: browser.scripting,
  granted: (pattern) => browser.permissions.contains({ origins: [pattern] }),
  script: contentScript,
});
const syncSites = () => void sites.sync().catch((error: unknown) => log('sites.sync-failed', { error: String(error) }));

const platform = platformSession(auth, browser.storage.local);

// Care-circle changes waiting for the platform: replayed when the alarm fires, at start-up, and
// when the panel shows the patient again.
const OUTBOX_ALARM = 'outbox';
const careTeam = createCareTeam({
  session: platform,
  store: idbOutboxStore(),
  schedule: (when) => {
    if (when === undefined) void browser.alarms.clear(OUTBOX_ALARM);
    else void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(when, Date.now() + 1_000) });
  },
});
const flushOutbox = () =>
  void careTeam.outbox.flush().catch((error: unknown) => log('outbox.failed', { error: String(error) }));

const route = createRouter({
  extensionId: browser.runtime.id,
  extensionOrigin: browser.runtime.getURL(''),
  log,
  handlers: createHandlers({
    auth,
    session: browser.storage.session,
    local: browser.storage.local,
    sendToTab,
    previewProfile,
    openTab: async (path) => {
      await browser.tabs.create({ url: browser.runtime.getURL(path) });
    },
    openWindow: async (path) => {
      await browser.windows.create({ url: browser.runtime.getURL(path), type: 'popup', width: 480, height: 620 });
    },
    hasOrigin: (origin) => browser.permissions.contains({ origins: [`${origin}/*`] }),
    sites,
    platform,
    careTeam,
  }),
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

// Open extension pages learn of changes through a port (docs/architecture.md, "Firefox"): only
// our own pages, never a content script.
browser.runtime.onConnect.addListener((port) => {
  if (port.name !== CHANGES_PORT || !port.sender?.url?.startsWith(browser.runtime.getURL(''))) {
    port.disconnect();
    return;
  }
  const tabId = port.sender.tab?.id;
  const onChanged = (changes: Record<string, Storage.StorageChange>, area: string) => {
    if (area !== 'session') return;
    for (const [key, change] of Object.entries(changes)) {
      const notice = noticeOf(key, change.newValue, tabId);
      if (notice) port.postMessage(notice);
    }
  };
  browser.storage.onChanged.addListener(onChanged);
  port.onDisconnect.addListener(() => browser.storage.onChanged.removeListener(onChanged));
});

// The registration follows the browser's permissions: re-done at install or update (the script's
// file name changes), at start-up, and when the user grants or withdraws a host permission.
browser.runtime.onInstalled.addListener(syncSites);
browser.runtime.onStartup.addListener(syncSites);
browser.runtime.onStartup.addListener(flushOutbox);
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === OUTBOX_ALARM) flushOutbox();
});
browser.permissions.onAdded.addListener(syncSites);
browser.permissions.onRemoved.addListener(syncSites);

browser.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return;
  // No content script on this page (a site not enabled): offer to enable it in the options page.
  sendToTab(tab.id, { v: PROTOCOL_VERSION, type: 'panel.toggle' }).catch(() => {
    const site = tab.url ? siteOf(tab.url) : undefined;
    const options = browser.runtime.getURL('src/options/index.html');
    void browser.tabs.create({ url: site ? `${options}?site=${encodeURIComponent(site)}#sites` : options });
  });
});

// One hand on the keyboard: open the panel of the page shown and declare oneself in the circle
// of its patient (the panel does it once the identity is settled and the patient chosen).
browser.commands.onCommand.addListener((command, tab) => {
  if (command !== 'declare-care-team' || tab?.id === undefined) return;
  const tabId = tab.id;
  void saveIntent(browser.storage.session, tabId, { action: 'careTeam.join', at: Date.now() })
    .then(() => sendToTab(tabId, { v: PROTOCOL_VERSION, type: 'panel.show' }))
    .catch(() => {});
});

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTab(browser.storage.session, tabId);
});

// Read by the end-to-end tests to know the worker's listeners are in place (the flag if they look
// after, the event if they wait before).
(globalThis as { passerelleReady?: boolean }).passerelleReady = true;
(globalThis as unknown as EventTarget).dispatchEvent(new Event('passerelle-ready'));
