/**
 * Outlook on the web (Microsoft 365 and Exchange OWA). The reading pane is
 * `#ReadingPaneContainerId`; in it the subject is a heading and each message body a region
 * labelled "Corps du message" / "Message body" (`role="document"` in older builds). The message
 * list (`role="listbox"`, with previews of other messages) is never read.
 */
import type { Site } from '../../adapter.ts';

const BODY = [
  '[aria-label="Corps du message"]',
  '[aria-label="Message body"]',
  '[role="document"]',
  '[role="heading"]',
].map((s) => `#ReadingPaneContainerId ${s}`);

export const outlook: Site = {
  id: 'outlook',
  regions(doc) {
    const pane = doc.getElementById('ReadingPaneContainerId');
    if (!pane && !doc.querySelector('#MainModule, [data-app-section="MessageList"]')) return undefined;
    return pane ? [...doc.querySelectorAll(BODY.join(','))] : [];
  },
};
