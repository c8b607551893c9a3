/**
 * Content script (standalone, small). It detects patients with the adapters, reports them to the
 * background, and mounts the launcher when there is someone to act on. It accepts commands only
 * from its own extension, and only the three below; it never asks for record data.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { detectPatients } from '../adapters/index.ts';
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

function report() {
  const patients = detectPatients(document, undefined, (adapter) =>
    console.warn(`[passerelle] adapter ${adapter} failed`),
  );
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

// Detection waits for the page to finish loading and for the main thread to be idle: the page
// the clinician opened comes first. (Slicing the work itself is the next step: BENCHMARKS.md.)
function whenIdle(run: () => void) {
  const idle = () => requestIdleCallback(run, { timeout: 2000 });
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}

if (window.top === window) whenIdle(report);
