/**
 * What the content script writes into the host page, and nothing more: one custom element with a
 * closed shadow root holding the launcher button and, once opened, the panel as an iframe of the
 * extension's origin. No health data is ever written here: the panel fetches its own data from
 * the background, and the host page can neither reach into the closed root nor read the
 * cross-origin iframe.
 */

// `!important` on :host wins over the page's own `!important` rules (an inner shadow context wins
// for important declarations): the page cannot make the launcher or the panel transparent, move,
// clip or filter them through the host element's style.
const CSS = `
:host { all: initial !important; display: block !important; position: fixed !important; right: 16px !important;
  bottom: 16px !important; left: auto !important; top: auto !important; z-index: 2147483647 !important;
  opacity: 1 !important; visibility: visible !important; transform: none !important; filter: none !important;
  clip-path: none !important; mask: none !important; pointer-events: auto !important; zoom: 1 !important;
  mix-blend-mode: normal !important; contain: none !important; width: auto !important; height: auto !important; }
button { all: initial; box-sizing: border-box; display: grid; place-items: center; width: 44px; height: 44px;
  border-radius: 50%; background: #0b6e69; color: #fff; cursor: pointer; box-shadow: 0 2px 8px rgb(0 0 0 / 30%);
  font: 600 18px/1 system-ui, sans-serif; }
button:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
iframe { position: fixed; right: 16px; bottom: 72px; width: min(380px, calc(100vw - 32px));
  height: min(600px, calc(100vh - 88px));
  border: 1px solid #b9c4cf; border-radius: 10px; background: #fff; box-shadow: 0 8px 28px rgb(0 0 0 / 25%); }
iframe[hidden] { display: none; }
`;

export interface Ui {
  show(): void;
  hide(): void;
  toggle(): void;
}

/** Why the panel was closed by the integrity watch, shown on the launcher (localised). */
export type Tamper = 'moved' | 'restyled' | 'hidden' | 'removed' | 'navigated';

export interface UiOptions {
  panelUrl: string;
  /** Accessible name of the launcher (localised). */
  label: string;
  /** Title of the panel frame (localised). */
  title: string;
  /** Told when the page tampered with the launcher or the panel: the panel is closed already. */
  onTamper?: (why: Tamper) => void;
}

/**
 * Whether the element and its ancestors are drawn as themselves: opaque, untransformed,
 * unfiltered, unclipped. The page can restyle `html` and `body`, which the host lives in.
 */
function drawnPlainly(el: Element): boolean {
  for (let a: Element | null = el; a; a = a.parentElement) {
    const style = getComputedStyle(a);
    if (Number(style.opacity) < 1 || style.visibility !== 'visible' || style.filter !== 'none') return false;
    if (style.transform !== 'none' || style.clipPath !== 'none' || style.display === 'none') return false;
    if (style.mixBlendMode !== 'normal' || (style.zoom !== '' && Number(style.zoom) !== 1)) return false;
  }
  return true;
}

/** Whether, at points spread over the rectangle, the topmost element is the host (nothing above it). */
function uncovered(host: Element, rect: DOMRect): boolean {
  for (const fx of [0.1, 0.5, 0.9]) {
    for (const fy of [0.1, 0.5, 0.9]) {
      const x = rect.left + rect.width * fx;
      const y = rect.top + rect.height * fy;
      if (document.elementsFromPoint(x, y)[0] !== host) return false;
    }
  }
  return true;
}

/** The smallest panel the integrity watch accepts, in CSS px. */
export const MIN_PANEL = { width: 240, height: 160 };

/**
 * The panel's integrity as the content script can see it, for browsers without Intersection
 * Observer v2 in the panel frame: connected where we put it, drawn plainly, inside the viewport,
 * full size and uncovered.
 */
export function panelIntact(host: Element, frame: HTMLIFrameElement | undefined): boolean {
  if (!host.isConnected || host.parentElement !== document.documentElement || !drawnPlainly(host)) return false;
  if (!frame || frame.hidden) return true;
  const rect = frame.getBoundingClientRect();
  // Small enough for a 400 % zoom (a 320×256 CSS px viewport), too small to hide what it asks.
  if (rect.width < MIN_PANEL.width || rect.height < MIN_PANEL.height) return false;
  if (rect.left < 0 || rect.top < 0 || rect.right > innerWidth || rect.bottom > innerHeight) return false;
  return uncovered(host, rect);
}

function styleRoot(root: ShadowRoot) {
  try {
    // Constructed sheets are not subject to the page's style-src CSP.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}

export function mountUi({ panelUrl, label, title, onTamper }: UiOptions): Ui {
  const host = document.createElement('passerelle-launcher');
  const root = host.attachShadow({ mode: 'closed' });
  styleRoot(root);

  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'P';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.setAttribute('aria-expanded', 'false');
  root.append(button);

  let frame: HTMLIFrameElement | undefined;
  const isOpen = () => frame !== undefined && !frame.hidden;

  // The integrity watch: a change the page makes to the host or to the element it lives in closes
  // the panel at once and says why; while the panel is open, its place and cover are checked at
  // every animation frame (a moved, covered or faded panel is closed before it can take a click).
  const tampered = (why: Tamper) => {
    if (frame) {
      frame.remove();
      frame = undefined;
      button.setAttribute('aria-expanded', 'false');
    }
    onTamper?.(why);
  };
  let place: string | undefined;
  const watch = () => {
    if (!isOpen()) return;
    const rect = frame!.getBoundingClientRect();
    const where = `${rect.left},${rect.top},${rect.width},${rect.height}|${innerWidth}x${innerHeight}`;
    if (place !== undefined && where.split('|')[1] === place.split('|')[1] && where !== place) return tampered('moved');
    place = where;
    if (!panelIntact(host, frame)) return tampered('hidden');
    requestAnimationFrame(watch);
  };

  const show = () => {
    if (!frame) {
      // Created on first use: the panel (preact and all) loads only when asked for.
      frame = document.createElement('iframe');
      frame.src = panelUrl;
      frame.title = title;
      // The panel never navigates itself: a second load is the page navigating the frame.
      let loads = 0;
      frame.addEventListener('load', () => {
        if (++loads > 1) return tampered('navigated');
        frame?.focus();
      });
      root.append(frame);
    }
    frame.hidden = false;
    frame.focus();
    button.setAttribute('aria-expanded', 'true');
    place = undefined;
    requestAnimationFrame(watch);
  };
  const hide = () => {
    if (!frame) return;
    frame.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  const toggle = () => (isOpen() ? hide() : show());

  button.addEventListener('click', (event) => {
    // A click the page made up (`dispatchEvent`, `click()`) opens nothing.
    if (event.isTrusted) toggle();
  });
  document.documentElement.append(host);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'childList' && [...r.removedNodes].includes(host)) return tampered('removed');
      if (r.type === 'attributes' && r.target === host) return tampered('restyled');
    }
    if (isOpen() && !drawnPlainly(host)) tampered('restyled');
  }).observe(document.documentElement, { attributes: true, childList: true, subtree: false });
  new MutationObserver(() => tampered('restyled')).observe(host, { attributes: true });
  return { show, hide, toggle };
}
