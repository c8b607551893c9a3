/**
 * Content script (standalone, small), in every frame of an enabled page. It asks for the banner
 * profiles of its page, detects patients with the adapters (in idle slices, again when the page
 * changes), reports them to the background, and, in the top frame, mounts the launcher when there
 * is someone to act on. It accepts commands only from its own extension, and only the five below;
 * it never asks for record data.
 */
import { PROTOCOL_VERSION } from '../core/version.ts';
import type { Runtime } from 'webextension-polyfill';
import { ext as browser } from './ext.ts';
import type { Adapter, Scope } from '../adapters/adapter.ts';
import { configuredAdapter, readSelector } from '../adapters/detectors/configured/detect.ts';
import { adapters, findingsOf, pageRegions, visibleRegions } from '../adapters/index.ts';
import { TextWalker } from '../adapters/text.ts';
import type { ContentCommand, DpiProfile } from '../core/protocol.ts';
import { mountUi, type Ui } from './ui.ts';

const COMMANDS: ReadonlySet<unknown> = new Set<ContentCommand['type']>([
  'panel.show',
  'panel.hide',
  'panel.toggle',
  'launcher.show',
  'profile.preview',
]);
const TOP = window.top === window;

let ui: Ui | undefined;
const getUi = () =>
  (ui ??= mountUi({
    panelUrl: browser.runtime.getURL('src/panel/index.html'),
    label: browser.i18n.getMessage('launcherLabel'),
    title: browser.i18n.getMessage('panelTitle'),
    // The page moved, restyled, hid or removed the panel: it is closed; the next one says why.
    onTamper: (why) => {
      if (why === 'removed') ui = undefined;
      browser.runtime.sendMessage({ v: PROTOCOL_VERSION, type: 'panel.tampered', why }).catch(() => {});
    },
  }));

/** The built-in adapters, preceded by a configured one when this page has banner profiles. */
let pageAdapters: Adapter[] = [...adapters];
let reported: string | undefined;

const onError = (adapter: string) => console.warn(`[passerelle] adapter ${adapter} failed`);

/** Reports what the page shows now, when it changed; the top frame mounts the launcher. */
function report(scope: Scope) {
  // Patients, and imaging share codes written in the message (valid check symbol only).
  const { patients, shareCodes } = findingsOf(document, scope, { adapters: pageAdapters, onError });
  const summary = JSON.stringify([patients, shareCodes]);
  if (summary === reported) return;
  reported = summary;
  browser.runtime.sendMessage({ v: PROTOCOL_VERSION, type: 'context.detected', patients, shareCodes }).catch(() => {});
  if (TOP && (patients.length > 0 || shareCodes.length > 0)) getUi();
}

browser.runtime.onMessage.addListener(((
  message: unknown,
  sender: Runtime.MessageSender,
  sendResponse: (answer: unknown) => void,
) => {
  const command = message as Partial<ContentCommand> | null;
  if (sender.id !== browser.runtime.id || command?.v !== 1 || !COMMANDS.has(command.type)) return;
  if (!TOP) return;
  if (command.type === 'profile.preview') {
    // What each selector of a profile being written reads here (visible elements only), for the
    // options page: text the user sees on this page anyway, never sent anywhere else.
    const selectors = (command as { selectors?: unknown }).selectors;
    const readings: Record<string, string | null> = {};
    if (selectors && typeof selectors === 'object') {
      for (const [key, selector] of Object.entries(selectors).slice(0, 10)) {
        if (typeof selector !== 'string') continue;
        try {
          readings[key] = readSelector(document, selector)?.slice(0, 200) ?? null;
        } catch {
          readings[key] = null;
        }
      }
    }
    sendResponse({ url: location.href.slice(0, 2000), readings });
    return;
  }
  if (command.type === 'panel.show') getUi().show();
  else if (command.type === 'panel.hide') ui?.hide();
  else if (command.type === 'launcher.show') getUi();
  else getUi().toggle();
}) as Parameters<typeof browser.runtime.onMessage.addListener>[0]);

/** Time given to each slice of reading the page: well under the 50 ms of a long task. */
const SLICE_MS = 4;

/** Quiet time after the last DOM change before reading the page again (single-page apps). */
const SETTLE_MS = 300;

let running = false;
let again = false;

/**
 * Reads the page in slices of a few milliseconds of idle time (the page the clinician uses comes
 * first), then matches. On a recognised webmail only its open message is read (`src/adapters`).
 * A change during a run queues one more run, never more.
 */
function detectWhenIdle() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  const regions = pageRegions(document, undefined, onError);
  // Two readings, both in slices: the regions' plain text (no style, no layout), then only around
  // what could be a patient or a share code, what the user can see (`visibleRegions`).
  let walker = new TextWalker(regions.roots, { visibleOnly: false });
  let visible: readonly Element[] | undefined;
  const slice = (deadline: IdleDeadline) => {
    const end = performance.now() + Math.min(SLICE_MS, deadline.timeRemaining() || SLICE_MS);
    if (!walker.step(() => performance.now() < end)) {
      requestIdleCallback(slice, { timeout: 1000 });
      return;
    }
    if (visible === undefined) {
      visible = visibleRegions(walker.result(), regions.roots, regions.site);
      walker = new TextWalker(visible);
      requestIdleCallback(slice, { timeout: 1000 });
      return;
    }
    report({ ...regions, roots: visible, text: walker.result() });
    running = false;
    if (again) {
      again = false;
      detectWhenIdle();
    }
  };
  requestIdleCallback(slice, { timeout: 2000 });
}

/**
 * Webmails and DPIs change the page without loading a new one: the observer's callback only
 * notes that something changed (ignoring our own launcher) and schedules a run once it settles.
 */
function observe() {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(detectWhenIdle, SETTLE_MS);
  };
  const ours = (node: Node) => node.nodeName === 'PASSERELLE-LAUNCHER';
  new MutationObserver((records) => {
    const changed = (r: MutationRecord) =>
      r.type !== 'childList' || [...r.addedNodes, ...r.removedNodes].some((n) => !ours(n));
    if (records.some((r) => !ours(r.target) && changed(r))) schedule();
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener('popstate', schedule);
  window.addEventListener('hashchange', schedule);
}

/** The banner profiles set for this page, if any (hand-checked: no zod in the content script). */
async function loadProfiles() {
  try {
    const answer: unknown = await browser.runtime.sendMessage({ v: PROTOCOL_VERSION, type: 'profiles.forPage' });
    const profiles = Array.isArray(answer)
      ? (answer as DpiProfile[]).filter((p) => typeof p?.selectors?.ins === 'string')
      : [];
    if (profiles.length > 0) pageAdapters = [configuredAdapter(profiles), ...adapters];
  } catch {
    // No background answer: the built-in adapters still run.
  }
}

async function start() {
  await loadProfiles();
  detectWhenIdle();
  observe();
  // A frame that goes away (the reading pane shows another message, the tab navigates) takes its
  // patients with it; back from the back-forward cache, it reads the page again.
  window.addEventListener('pagehide', () => {
    if (reported !== undefined && reported !== '[[],[]]') {
      browser.runtime
        .sendMessage({ v: PROTOCOL_VERSION, type: 'context.detected', patients: [], shareCodes: [] })
        .catch(() => {});
    }
    reported = undefined;
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) detectWhenIdle();
  });
}

if (document.body) {
  if (document.readyState === 'complete') void start();
  else window.addEventListener('load', () => void start(), { once: true });
}
