/** Localised strings from `_locales` (French by default); keys are checked against fr at compile time. */
import browser from 'webextension-polyfill';
import type fr from '../../public/_locales/fr/messages.json';

export type MessageKey = keyof typeof fr;

export function t(key: MessageKey, ...substitutions: string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}
