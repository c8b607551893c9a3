/**
 * Changes an open extension page follows (the sign-in, the tab's page, a break-glass result),
 * told by the background through the `changes` port — the same in Chrome and in Firefox, where a
 * framed extension page has no `storage.session` (`src/background/changes.ts`).
 */
import browser from 'webextension-polyfill';
import { useEffect } from 'preact/hooks';
import { CHANGES_PORT, ChangeNotice } from '../core/protocol.ts';

export function useChanges(listener: (notice: ChangeNotice) => void): void {
  useEffect(() => {
    const port = browser.runtime.connect({ name: CHANGES_PORT });
    port.onMessage.addListener((message: unknown) => {
      const notice = ChangeNotice.safeParse(message);
      if (notice.success) listener(notice.data);
    });
    return () => port.disconnect();
  }, [listener]);
}
