/** What the background does for each message type; the router has already checked the sender. */
import { IdentityConfirmation, type ContentCommand } from '../core/protocol.ts';
import type { Auth } from './auth.ts';
import { loadTabContext, saveFrameContext, type SessionArea } from './context-store.ts';
import { changeCircle, readCircle } from './care-circle-client.ts';
import { announceSession, confirmIdentity, lookupPatient } from './platform-client.ts';
import type { Handlers } from './router.ts';
import { loadProfiles, profilesFor, saveProfiles } from './profiles.ts';
import { loadSettings, saveSettings } from './settings.ts';
import type { SitesManager } from './sites.ts';

export interface Deps {
  auth: Auth;
  session: SessionArea;
  local: SessionArea;
  sendToTab(tabId: number, command: ContentCommand): Promise<void>;
  hasOrigin(origin: string): Promise<boolean>;
  sites: SitesManager;
  fetch?: typeof fetch;
}

export function createHandlers(deps: Deps): Handlers {
  /**
   * Calls the platform with the access token; if the platform refuses it, renews it once and
   * calls again; if that fails the session has ended.
   */
  async function withToken<R extends { status: string; reason?: string }>(
    call: (accessToken: string | undefined, platformUrl: string) => Promise<R>,
  ): Promise<R> {
    const { platformUrl } = await loadSettings(deps.local);
    const result = await call(await deps.auth.accessToken(), platformUrl);
    if (result.status !== 'signed-out' || !result.reason) return result;
    const renewed = await deps.auth.accessToken(true);
    return renewed ? call(renewed, platformUrl) : result;
  }

  /** Confirmations belong to the professional who made them, for this browser session. */
  async function confirmationKey(patientId: string): Promise<string | undefined> {
    const idNps = await myIdNps();
    return idNps ? `vigilance:${idNps}:${patientId}` : undefined;
  }

  async function loadConfirmation(patientId: string): Promise<IdentityConfirmation | undefined> {
    const key = await confirmationKey(patientId);
    if (!key) return undefined;
    const parsed = IdentityConfirmation.safeParse((await deps.session.get(key))[key]);
    return parsed.success ? parsed.data : undefined;
  }

  /** One idempotency key per click: a renewal retry sends the same request again, not a new one. */
  async function changeCircleFor(change: 'join' | 'leave', patientId: string) {
    const me = await myIdNps();
    const key = crypto.randomUUID();
    return withToken((accessToken, baseUrl) =>
      changeCircle(change, patientId, key, { baseUrl, fetch: deps.fetch, accessToken, myIdNps: me }),
    );
  }

  async function myIdNps(): Promise<string | undefined> {
    const status = await deps.auth.status();
    return status.state === 'signed-in' ? status.professional.idNps : undefined;
  }

  return {
    async 'context.detected'(message, { tabId, frameId, origin }) {
      if (tabId === undefined) throw new Error('no tab');
      await saveFrameContext(deps.session, tabId, frameId ?? 0, {
        origin: origin ?? '',
        patients: message.patients,
        detectedAt: Date.now(),
      });
      // The launcher lives in the top frame only: tell it when a sub-frame found someone.
      if ((frameId ?? 0) !== 0 && message.patients.length > 0) {
        await deps.sendToTab(tabId, { v: 1, type: 'launcher.show' }).catch(() => {});
      }
      return { ok: true };
    },
    async 'context.get'(_message, { tabId }) {
      return { context: tabId === undefined ? null : await loadTabContext(deps.session, tabId) };
    },
    async 'patient.lookup'(message) {
      const result = await withToken((accessToken, baseUrl) =>
        lookupPatient(message.ins, { baseUrl, fetch: deps.fetch, accessToken }),
      );
      if (result.status !== 'found') return result;
      const confirmed = await loadConfirmation(result.patient.id);
      return confirmed ? { ...result, confirmed } : result;
    },
    async 'identity.confirm'(message) {
      const result = await withToken((accessToken, baseUrl) =>
        confirmIdentity(message.patientId, message.traits, { baseUrl, fetch: deps.fetch, accessToken }),
      );
      const key = await confirmationKey(message.patientId);
      if (result.status === 'recorded' && key) await deps.session.set({ [key]: result.confirmation });
      return result;
    },
    async 'panel.close'(_message, { tabId }) {
      if (tabId !== undefined) await deps.sendToTab(tabId, { v: 1, type: 'panel.hide' });
      return { ok: true };
    },
    async 'settings.get'() {
      return loadSettings(deps.local);
    },
    async 'settings.set'(message) {
      // The options page asks the user for the host permissions first; without them, refuse.
      for (const url of [message.settings.platformUrl, message.settings.issuer]) {
        if (!(await deps.hasOrigin(new URL(url).origin))) throw new Error('no host permission');
      }
      const saved = await saveSettings(deps.local, message.settings);
      // A session belongs to its provider and client: changing either signs out (auth.ts).
      await deps.auth.status();
      return saved;
    },
    'profiles.get': () => loadProfiles(deps.local),
    'profiles.set': (message) => saveProfiles(deps.local, message.profiles),
    'profiles.forPage': (_message, { url }) => profilesFor(deps.local, url),
    async 'circle.get'(message) {
      const me = await myIdNps();
      return withToken((accessToken, baseUrl) =>
        readCircle(message.patientId, { baseUrl, fetch: deps.fetch, accessToken, myIdNps: me }),
      );
    },
    'circle.join': (message) => changeCircleFor('join', message.patientId),
    'circle.leave': (message) => changeCircleFor('leave', message.patientId),
    'sites.get': () => deps.sites.get(),
    'sites.set': (message) => deps.sites.set(message.sites),
    'auth.status': () => deps.auth.status(),
    async 'auth.signIn'() {
      const status = await deps.auth.signIn();
      if (status.state === 'signed-in') {
        const { platformUrl } = await loadSettings(deps.local);
        await announceSession({ baseUrl: platformUrl, accessToken: await deps.auth.accessToken(), fetch: deps.fetch });
      }
      return status;
    },
    'auth.signOut': () => deps.auth.signOut(),
  };
}
