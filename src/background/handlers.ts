/** What the background does for each message type; the router has already checked the sender. */
import type { ContentCommand } from '../core/protocol.ts';
import { loadTabContext, saveFrameContext, type SessionArea } from './context-store.ts';
import { lookupPatient } from './platform-client.ts';
import type { Handlers } from './router.ts';
import { loadSettings, saveSettings } from './settings.ts';

export interface Deps {
  session: SessionArea;
  local: SessionArea;
  sendToTab(tabId: number, command: ContentCommand): Promise<void>;
  hasOrigin(origin: string): Promise<boolean>;
  fetch?: typeof fetch;
}

export function createHandlers(deps: Deps): Handlers {
  return {
    async 'context.detected'(message, { tabId, frameId, origin }) {
      if (tabId === undefined) throw new Error('no tab');
      await saveFrameContext(deps.session, tabId, frameId ?? 0, {
        origin: origin ?? '',
        patients: message.patients,
        detectedAt: Date.now(),
      });
      return { ok: true };
    },
    async 'context.get'(_message, { tabId }) {
      return { context: tabId === undefined ? null : await loadTabContext(deps.session, tabId) };
    },
    async 'patient.lookup'(message) {
      const { platformUrl } = await loadSettings(deps.local);
      return lookupPatient(message.ins, { baseUrl: platformUrl, fetch: deps.fetch });
    },
    async 'panel.close'(_message, { tabId }) {
      if (tabId !== undefined) await deps.sendToTab(tabId, { v: 1, type: 'panel.hide' });
      return { ok: true };
    },
    async 'settings.get'() {
      return loadSettings(deps.local);
    },
    async 'settings.set'(message) {
      // The options page asks the user for the host permission first; without it, refuse.
      if (!(await deps.hasOrigin(new URL(message.settings.platformUrl).origin))) throw new Error('no host permission');
      return saveSettings(deps.local, message.settings);
    },
  };
}
