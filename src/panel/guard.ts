/**
 * Input protection for the panel, the rule browsers apply to their own permission prompts: an
 * action that affects a patient (join, leave, médecin traitant, identity confirmation, redeem,
 * opening the record, break-glass) is accepted only while the panel is verifiably visible — not
 * faded, filtered, transformed or covered by anything the host page draws — and has been so, with
 * the same patient, for at least `STABLE_MS`. Visibility comes from Intersection Observer v2
 * (`trackVisibility`), computed by the browser for this frame inside the host page, which the page
 * cannot fake; where the browser lacks it (Firefox), the content script's integrity watch closes
 * the panel instead (`src/content/ui.ts`). A click refused here does nothing and says why.
 */

export const STABLE_MS = 500;

/** The controls whose click changes something for a patient. */
export const SENSITIVE = [
  '[data-circle-join]',
  '[data-circle-join-mt]',
  '[data-circle-leave]',
  '[data-confirm]',
  '[data-share-open]',
  '[data-share-typed] [type="submit"]',
  '[data-record-open]',
  '[data-break-glass]',
  '[data-break-glass-confirm]',
].join(',');

export interface Guard {
  /** Whether a sensitive click now would be accepted. */
  allows(): boolean;
  /** Something the user relies on changed (the patient shown): wait again. */
  reset(): void;
  stop(): void;
}

export function startGuard(doc: Document, options: { now?: () => number; onRefused?: () => void } = {}): Guard {
  const now = options.now ?? (() => performance.now());
  const tracks = 'isVisible' in IntersectionObserverEntry.prototype;
  let visible = !tracks;
  let since = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const root = doc.documentElement;

  // `data-input-ready` says when clicks count (tests wait for it; styles may show it).
  const mark = () => {
    clearTimeout(timer);
    root.removeAttribute('data-input-ready');
    if (!visible) return;
    timer = setTimeout(
      () => {
        if (visible) root.setAttribute('data-input-ready', '');
      },
      Math.max(0, STABLE_MS - (now() - since)),
    );
  };
  const reset = () => {
    since = now();
    mark();
  };

  let observer: IntersectionObserver | undefined;
  if (tracks) {
    observer = new IntersectionObserver(
      (entries) => {
        const entry = entries.at(-1) as IntersectionObserverEntry & { isVisible?: boolean };
        const next = entry.isIntersecting && entry.isVisible === true;
        if (next !== visible) {
          visible = next;
          reset();
        }
      },
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    observer.observe(doc.body);
  }

  const allows = () => visible && now() - since >= STABLE_MS;
  const onClick = (event: MouseEvent) => {
    const target = event.target as Element | null;
    if (!target?.closest?.(SENSITIVE) || allows()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    options.onRefused?.();
  };
  doc.addEventListener('click', onClick, true);
  const onSubmit = (event: Event) => {
    if (!allows()) {
      event.preventDefault();
      event.stopImmediatePropagation();
      options.onRefused?.();
    }
  };
  doc.addEventListener('submit', onSubmit, true);
  mark();
  return {
    allows,
    reset,
    stop() {
      observer?.disconnect();
      clearTimeout(timer);
      doc.removeEventListener('click', onClick, true);
      doc.removeEventListener('submit', onSubmit, true);
    },
  };
}
