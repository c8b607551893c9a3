/**
 * Any other webmail: a page that shows one message in a region marked as such, by accessibility
 * labels or the class names webmails commonly use. When one is found only it is read, not the
 * folder list or the message list beside it; when none is, the page is not recognised and is read
 * whole (the generic adapters).
 */
import type { Site } from '../../adapter.ts';

const MESSAGE = [
  '[aria-label="Message" i]',
  '[aria-label="Corps du message" i]',
  '[aria-label="Message body" i]',
  '[aria-label="Contenu du message" i]',
  '#messagebody',
  '.message-body',
  '.messagebody',
  '.mail-body',
  '.msg-body',
].join(',');

export const messageView: Site = {
  id: 'message-view',
  regions(doc) {
    const regions = [...doc.querySelectorAll(MESSAGE)];
    return regions.length > 0 ? regions : undefined;
  },
};
