/**
 * What the clinician can see. Text that is in the page but not on screen — `display:none`,
 * `visibility:hidden`, `opacity:0`, `content-visibility:hidden`, off-screen, zero or one-pixel
 * boxes, transparent or tiny text — is never read: a message cannot make the panel propose a
 * patient, or a share code, that nobody sees. The test costs one computed style and one box per
 * block (and per styled inline element), while the page is read top-down (a hidden element's
 * subtree is skipped whole); a document without layout (a saved page parsed in a unit test) is
 * read whole.
 */

/** Whether this document lays its boxes out (a real browser tab), so geometry means something. */
export function hasLayout(doc: Document): boolean {
  const view = doc.defaultView;
  if (!view || typeof doc.documentElement.checkVisibility !== 'function') return false;
  const rect = doc.documentElement.getBoundingClientRect();
  return rect.width > 0 && rect.height > 0;
}

/** Whether `el` is drawn where the user can see it (its ancestors were checked on the way down). */
export function isShown(el: Element): boolean {
  const style = el.ownerDocument.defaultView!.getComputedStyle(el);
  if (style.display === 'contents') return true;
  // The element's own style only: the walk reaches it through shown ancestors (`checkVisibility()`
  // would walk them all again, for every block of a large page).
  if (style.display === 'none' || style.visibility !== 'visible' || Number(style.opacity) < 0.05) return false;
  if (style.contentVisibility === 'hidden') return false;
  const view = el.ownerDocument.defaultView!;
  const rect = el.getBoundingClientRect();
  // A one-pixel box that clips its content (the "visually hidden" pattern), or no box at all. A
  // flat box that does not clip (a container of floats) still shows its content.
  const clips = /hidden|clip/.test(style.overflowX) && /hidden|clip/.test(style.overflowY);
  const page = el.tagName === 'BODY' || el.tagName === 'HTML';
  if (!page && ((rect.width <= 1 && rect.height <= 1) || (clips && (rect.width <= 1 || rect.height <= 1)))) {
    return false;
  }
  if (rect.right + view.scrollX <= 0 || rect.bottom + view.scrollY <= 0) return false;
  if (parseFloat(style.fontSize) < 4) return false;
  if (/^(?:transparent|rgba\(.*,\s*0\))$/.test(style.color)) return false;
  if (style.clipPath.startsWith('inset(50%') || style.clip === 'rect(0px, 0px, 0px, 0px)') return false;
  if (parseFloat(style.textIndent) < -500) return false;
  return true;
}
