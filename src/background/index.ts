/**
 * Service worker. It keeps nothing in module globals that must survive: detected contexts live in
 * `storage.session`, settings in `storage.local`. Listeners are registered synchronously at start,
 * as MV3 requires for a worker woken by an event.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { ContentCommand } from '../core/protocol.ts';
import { createAuth } from './auth.ts';
import { forgetTab } from './context-store.ts';
import { createHandlers } from './handlers.ts';
import { createRouter } from './router.ts';

const log = (event: string, detail: Record<string, unknown>) => console.warn(`[passerelle] ${event}`, detail);

const sendToTab = async (tabId: number, command: ContentCommand) => {
  await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
};

const auth = createAuth({
  session: browser.storage.session,
  local: browser.storage.local,
  redirectUri: browser.identity.getRedirectURL(),
  launchWebAuthFlow: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
});

const route = createRouter({
  extensionId: browser.runtime.id,
  extensionOrigin: browser.runtime.getURL(''),
  log,
  handlers: createHandlers({
    auth,
    session: browser.storage.session,
    local: browser.storage.local,
    sendToTab,
    hasOrigin: (origin) => browser.permissions.contains({ origins: [`${origin}/*`] }),
  }),
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

browser.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return;
  // No content script on this page (a site not enabled): open the options instead.
  sendToTab(tab.id, { v: 1, type: 'panel.toggle' }).catch(() => browser.runtime.openOptionsPage());
});

browser.tabs.onRemoved.addListener((tabId) => {
  void forgetTab(browser.storage.session, tabId);
});

// Read by the end-to-end tests to know the worker's listeners are in place.
(globalThis as { passerelleReady?: boolean }).passerelleReady = true;
