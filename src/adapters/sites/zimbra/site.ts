/**
 * Zimbra (classic Ajax web client), used by many hospital groups. The application shell is
 * `#z_shell`; an open message is a `ZmMailMsgView` whose header table is `.MsgHeaderTable` and
 * whose body is `.MsgBody-text` for plain text, or an iframe whose own body gets the classes
 * `MsgBody MsgBody-html` (ZmMailMsgView.js) for HTML mail, read there by this same adapter.
 */
import type { Site } from '../../adapter.ts';

export const zimbra: Site = {
  id: 'zimbra',
  regions(doc) {
    if (doc.body?.classList.contains('MsgBody')) return [doc.body];
    if (!doc.getElementById('z_shell')) return undefined;
    return [...doc.querySelectorAll('.ZmMailMsgView .MsgHeaderTable, .ZmMailMsgView .MsgBody')];
  },
};
