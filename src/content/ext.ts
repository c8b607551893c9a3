/**
 * The extension API for the content script, without webextension-polyfill (its ~3 KB gzip would
 * be paid on every page): Firefox provides `browser`; Chrome's MV3 `chrome` returns promises for
 * the only calls made here (runtime.sendMessage, runtime.getURL, runtime.onMessage, i18n).
 */
import type { Browser } from 'webextension-polyfill';

const scope = globalThis as unknown as { browser?: Browser; chrome?: Browser };

export const ext: Pick<Browser, 'runtime' | 'i18n'> = (scope.browser ?? scope.chrome)!;
