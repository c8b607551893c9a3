/** What the background does for each message type; the router has already checked the sender. */
import { PROTOCOL_VERSION } from '../core/version.ts';
import { z } from '../core/zod.ts';
import {
  BreakGlassRequest,
  IdentityConfirmation,
  Tampered,
  type ContentCommand,
  type DetectedPatient,
  type PreviewResult,
} from '../core/protocol.ts';

const PendingBreakGlass = z.object({
  request: BreakGlassRequest,
  tabId: z.number().int().optional(),
  at: z.number().int(),
});

/** Two readings of a patient are the same when every field is (whatever the order of the keys). */
const sameReading = (a: DetectedPatient, b: DetectedPatient) => {
  const canonical = (p: DetectedPatient) => JSON.stringify(Object.entries(p).sort(([x], [y]) => x.localeCompare(y)));
  return canonical(a) === canonical(b);
};
import type { Auth } from './auth.ts';
import { loadTabContext, saveFrameContext, type SessionArea } from './context-store.ts';
import { announceSession, confirmIdentity, lookupPatient } from './platform-client.ts';
import type { ClientOptions } from './platform-call.ts';
import {
  endBreakGlass,
  recordDocument,
  recordDocuments,
  recordSummary,
  reviewCsv,
  reviewList,
  reviewMark,
  startBreakGlass,
} from './record-client.ts';
import { centreExams, grantedExams, issueCode, readExam, redeemCode, revokeCode, sendCode } from './share-client.ts';
import type { Handlers } from './router.ts';
import { loadProfiles, profilesFor, saveProfiles } from './profiles.ts';
import { loadSettings, saveSettings } from './settings.ts';
import type { CareTeam } from './care-team.ts';
import { takeIntent } from './intents.ts';
import type { PlatformSession } from './platform-session.ts';
import type { SitesManager } from './sites.ts';

export interface Deps {
  auth: Auth;
  session: SessionArea;
  local: SessionArea;
  sendToTab(tabId: number, command: ContentCommand): Promise<void>;
  /** Opens an extension page in a window of its own (break-glass confirmation). */
  openWindow(path: string): Promise<void>;
  /** Opens an extension page in a new tab (the panel, framed, may not have `tabs` in Firefox). */
  openTab(path: string): Promise<void>;
  /** Asks the top frame of the most recent tab under `urlPrefix` what these selectors read. */
  previewProfile(urlPrefix: string, selectors: Partial<Record<string, string>>): Promise<PreviewResult>;
  hasOrigin(origin: string): Promise<boolean>;
  sites: SitesManager;
  /** Platform calls for the signed-in professional (`platform-session.ts`). */
  platform: PlatformSession;
  careTeam: CareTeam;
  fetch?: typeof fetch;
}

export function createHandlers(deps: Deps): Handlers {
  /** Confirmations belong to the professional who made them, for this browser session. */
  async function confirmationKey(patientId: string): Promise<string | undefined> {
    const idNps = await platform.idNps();
    return idNps ? `vigilance:${idNps}:${patientId}` : undefined;
  }

  async function loadConfirmation(patientId: string): Promise<IdentityConfirmation | undefined> {
    const key = await confirmationKey(patientId);
    if (!key) return undefined;
    const parsed = IdentityConfirmation.safeParse((await deps.session.get(key))[key]);
    return parsed.success ? parsed.data : undefined;
  }

  const { platform } = deps;
  /** A call to the platform as the signed-in professional (renewing the token once if refused). */
  const withPlatform = <R extends { status: string; reason?: string }>(run: (options: ClientOptions) => Promise<R>) =>
    platform.call((connection) => run({ ...connection, fetch: deps.fetch }));

  /** A prepared break-glass request, for 5 minutes at most. */
  const pendingBreakGlass = async (pendingId: string) => {
    const key = `breakGlass:${pendingId}`;
    const stored = PendingBreakGlass.safeParse((await deps.session.get(key))[key]);
    return stored.success && Date.now() - stored.data.at < 5 * 60_000 ? stored.data : undefined;
  };

  /**
   * The patient the user saw when pressing the button must still be what the page shows in that
   * tab: a page that swapped it in the meantime gets nothing done (issue 15).
   */
  const unlessSwapped = async <R>(
    tabId: number | undefined,
    seen: DetectedPatient,
    act: () => Promise<R>,
  ): Promise<R | { status: 'unavailable'; reason: 'refused'; detail: string }> => {
    const context = tabId === undefined ? null : await loadTabContext(deps.session, tabId);
    if (!context?.patients.some((p) => sameReading(p, seen))) {
      return {
        status: 'unavailable',
        reason: 'refused',
        detail: 'Le patient affiché par la page a changé : rien n’a été fait. Vérifiez le patient, puis recommencez.',
      };
    }
    return act();
  };

  return {
    async 'context.detected'(message, { tabId, frameId, origin }) {
      if (tabId === undefined) throw new Error('no tab');
      await saveFrameContext(deps.session, tabId, frameId ?? 0, {
        origin: origin ?? '',
        patients: message.patients,
        shareCodes: message.shareCodes,
        detectedAt: Date.now(),
      });
      // The launcher lives in the top frame only: tell it when a sub-frame found something.
      if ((frameId ?? 0) !== 0 && (message.patients.length > 0 || message.shareCodes.length > 0)) {
        await deps.sendToTab(tabId, { v: PROTOCOL_VERSION, type: 'launcher.show' }).catch(() => {});
      }
      return { ok: true };
    },
    async 'context.get'(_message, { tabId }) {
      if (tabId === undefined) return { context: null };
      const key = `tampered:${tabId}`;
      const tampered = Tampered.safeParse((await deps.session.get(key))[key]);
      return {
        context: await loadTabContext(deps.session, tabId),
        ...(tampered.success ? { tampered: tampered.data } : {}),
      };
    },
    async 'panel.tampered'(message, { tabId, frameId }) {
      // Only the top frame holds the panel; the next panel of this tab says what happened.
      if (tabId === undefined || (frameId ?? 0) !== 0) throw new Error('not the top frame');
      await deps.session.set({ [`tampered:${tabId}`]: { why: message.why, at: Date.now() } });
      return { ok: true };
    },
    async 'patient.lookup'(message) {
      const result = await platform.call((connection) =>
        lookupPatient(message.ins, { ...connection, fetch: deps.fetch }),
      );
      if (result.status !== 'found') return result;
      const confirmed = await loadConfirmation(result.patient.id);
      return confirmed ? { ...result, confirmed } : result;
    },
    async 'identity.confirm'(message, { tabId }) {
      const result = await unlessSwapped(tabId, message.seen, () =>
        platform.call((connection) =>
          confirmIdentity(message.patientId, message, { ...connection, fetch: deps.fetch }),
        ),
      );
      const key = await confirmationKey(message.patientId);
      if (result.status === 'recorded' && key) await deps.session.set({ [key]: result.confirmation });
      return result;
    },
    async 'panel.close'(_message, { tabId }) {
      if (tabId !== undefined) await deps.sendToTab(tabId, { v: PROTOCOL_VERSION, type: 'panel.hide' });
      return { ok: true };
    },
    async 'settings.get'() {
      return loadSettings(deps.local);
    },
    async 'settings.set'(message) {
      // The options page asks the user for the host permissions first; without them, refuse.
      if (!(await deps.hasOrigin(new URL(message.settings.platformUrl).origin))) throw new Error('no host permission');
      const saved = await saveSettings(deps.local, message.settings);
      // A session belongs to its platform: changing it signs out (auth.ts).
      await deps.auth.status();
      return saved;
    },
    'profiles.get': () => loadProfiles(deps.local),
    'profiles.set': (message) => saveProfiles(deps.local, message.profiles),
    'profiles.forPage': (_message, { url }) => profilesFor(deps.local, url),
    'profiles.preview': (message) => deps.previewProfile(message.urlPrefix, message.selectors),
    'careTeam.get': (message) => deps.careTeam.get(message.patientId),
    'careTeam.join': (message, { tabId }) =>
      unlessSwapped(tabId, message.seen, () =>
        deps.careTeam.change(message.asMt ? 'join-mt' : 'join', message.patientId),
      ),
    'careTeam.leave': (message, { tabId }) =>
      unlessSwapped(tabId, message.seen, () => deps.careTeam.change('leave', message.patientId)),
    'outbox.list': () => deps.careTeam.outbox.list(),
    'share.redeem': (message) => withPlatform((o) => redeemCode(message.code, o)),
    'share.exams': () => withPlatform(grantedExams),
    'share.exam': (message) => withPlatform((o) => readExam(message.examId, o)),
    'share.centreExams': () => withPlatform(centreExams),
    'share.issue': (message) =>
      withPlatform((o) => issueCode(message.examId, { singleUse: message.singleUse, days: message.days }, o)),
    'share.revoke': (message) => withPlatform((o) => revokeCode(message.codeId, o)),
    'share.send': (message) => withPlatform((o) => sendCode(message.codeId, message.code, o)),
    'record.summary': (message, { tabId }) =>
      unlessSwapped(tabId, message.seen, () => withPlatform((o) => recordSummary(message.patientId, o))),
    'record.documents': (message) => withPlatform((o) => recordDocuments(message.patientId, message.typeCode, o)),
    'record.document': (message) => withPlatform((o) => recordDocument(message.patientId, message.documentId, o)),
    async 'record.breakGlassPrepare'(message, { tabId }) {
      const request = BreakGlassRequest.parse(message);
      return unlessSwapped(tabId, message.seen, async () => {
        const pendingId = crypto.randomUUID();
        await deps.session.set({ [`breakGlass:${pendingId}`]: { request, tabId, at: Date.now() } });
        await deps.openWindow(`src/break-glass/index.html?id=${pendingId}`);
        return { status: 'ok' as const, pendingId };
      });
    },
    async 'record.breakGlassPending'(message) {
      const pending = await pendingBreakGlass(message.pendingId);
      return pending ? { status: 'ok' as const, request: pending.request } : { status: 'none' as const };
    },
    async 'record.breakGlass'(message) {
      const pending = await pendingBreakGlass(message.pendingId);
      if (!pending) {
        return {
          status: 'unavailable',
          reason: 'refused',
          detail: 'Demande d’accès en urgence expirée : recommencez depuis le panneau.',
        };
      }
      await deps.session.remove(`breakGlass:${message.pendingId}`);
      const { request } = pending;
      const result = await unlessSwapped(pending.tabId, request.seen, () =>
        withPlatform((o) =>
          startBreakGlass(request.patientId, { mode: request.mode, reason: request.reason, text: request.text }, o),
        ),
      );
      // The panel that prepared the request learns the outcome from the session store.
      await deps.session.set({ [`breakGlassResult:${message.pendingId}`]: result });
      return result;
    },
    'record.breakGlassEnd': (message) => withPlatform((o) => endBreakGlass(message.patientId, o)),
    'review.list': (message) => withPlatform((o) => reviewList(message.reviewed, o)),
    'review.mark': (message) => withPlatform((o) => reviewMark(message.id, message.comment, o)),
    'review.csv': () => withPlatform(reviewCsv),
    async 'page.open'(message) {
      const query = new URLSearchParams(Object.entries(message.params).flatMap(([k, v]) => (v ? [[k, v]] : [])));
      await deps.openTab(`src/${message.page}/index.html?${query}`);
      return { ok: true };
    },
    async 'intent.take'(_message, { tabId }) {
      return { intent: tabId === undefined ? null : await takeIntent(deps.session, tabId) };
    },
    async 'outbox.dismiss'(message) {
      await deps.careTeam.outbox.dismiss(message.key);
      return { ok: true };
    },
    'sites.get': () => deps.sites.get(),
    'sites.set': (message) => deps.sites.set(message.sites),
    'auth.status': () => deps.auth.status(),
    async 'auth.signIn'() {
      const status = await deps.auth.signIn();
      if (status.state === 'signed-in') {
        const { platformUrl } = await loadSettings(deps.local);
        const credentials = await deps.auth.credentials();
        await announceSession({
          baseUrl: platformUrl,
          accessToken: credentials?.accessToken,
          ...(credentials ? { dpop: credentials.dpop } : {}),
          fetch: deps.fetch,
        });
        // Changes made offline by this professional can go now.
        void deps.careTeam.outbox.flush(true).catch(() => {});
      }
      return status;
    },
    'auth.signOut': () => deps.auth.signOut(),
  };
}
