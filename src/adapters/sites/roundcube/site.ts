/**
 * Roundcube (elastic and larry skins), common in hospitals and practices. Its pages carry
 * `body.task-mail`; the open message is `#message-header` + `#messagebody` (skins/elastic/
 * templates/message.html), shown either in the page (`action-show`) or, in the three-pane view,
 * in the `#messagecontframe` iframe (`action-preview`), where this same adapter reads it. The
 * message list itself (`#messagelist`, subjects and senders) is never read.
 */
import type { Site } from '../../adapter.ts';

export const roundcube: Site = {
  id: 'roundcube',
  regions(doc) {
    if (!doc.body?.classList.contains('task-mail')) return undefined;
    return [...doc.querySelectorAll('#message-header, #messagebody')];
  },
};
