/**
 * Content script (standalone, small). It detects patients with the adapters, reports them to the
 * background, and mounts the launcher when there is someone to act on. It accepts commands only
 * from its own extension, and only the three below; it never asks for record data.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { detectPatients } from '../adapters/index.ts';
import { TextWalker, type PageText } from '../adapters/text.ts';
import type { ContentCommand } from '../core/protocol.ts';
import { mountUi, type Ui } from './ui.ts';

const COMMANDS: ReadonlySet<unknown> = new Set<ContentCommand['type']>(['panel.show', 'panel.hide', 'panel.toggle']);

let ui: Ui | undefined;
const getUi = () =>
  (ui ??= mountUi({
    panelUrl: browser.runtime.getURL('src/panel/index.html'),
    label: browser.i18n.getMessage('launcherLabel'),
    title: browser.i18n.getMessage('panelTitle'),
  }));

function report(text: PageText) {
  const patients = detectPatients(document, {
    text,
    onError: (adapter) => console.warn(`[passerelle] adapter ${adapter} failed`),
  });
  browser.runtime.sendMessage({ v: 1, type: 'context.detected', patients }).catch(() => {});
  if (patients.length > 0) getUi();
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  const command = message as Partial<ContentCommand> | null;
  if (sender.id !== browser.runtime.id || command?.v !== 1 || !COMMANDS.has(command.type)) return;
  if (command.type === 'panel.show') getUi().show();
  else if (command.type === 'panel.hide') ui?.hide();
  else getUi().toggle();
});

/** Time given to each slice of reading the page: well under the 50 ms of a long task. */
const SLICE_MS = 4;

/**
 * Detection waits for the page to finish loading, then reads the page in slices of a few
 * milliseconds of idle time (the page the clinician opened comes first), then matches.
 */
function detectWhenIdle() {
  const walker = new TextWalker(document.body);
  const slice = (deadline: IdleDeadline) => {
    const end = performance.now() + Math.min(SLICE_MS, deadline.timeRemaining() || SLICE_MS);
    if (walker.step(() => performance.now() < end)) report(walker.result());
    else requestIdleCallback(slice, { timeout: 1000 });
  };
  requestIdleCallback(slice, { timeout: 2000 });
}

if (window.top === window && document.body) {
  if (document.readyState === 'complete') detectWhenIdle();
  else window.addEventListener('load', detectWhenIdle, { once: true });
}
