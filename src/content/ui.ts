/**
 * What the content script writes into the host page, and nothing more: one custom element with a
 * closed shadow root holding the launcher button and, once opened, the panel as an iframe of the
 * extension's origin. No health data is ever written here: the panel fetches its own data from
 * the background, and the host page can neither reach into the closed root nor read the
 * cross-origin iframe.
 */

const CSS = `
:host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; }
button { all: initial; box-sizing: border-box; display: grid; place-items: center; width: 44px; height: 44px;
  border-radius: 50%; background: #0b6e69; color: #fff; cursor: pointer; box-shadow: 0 2px 8px rgb(0 0 0 / 30%);
  font: 600 18px/1 system-ui, sans-serif; }
button:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
iframe { position: fixed; right: 16px; bottom: 72px; width: 380px; height: min(600px, calc(100vh - 96px));
  border: 1px solid #b9c4cf; border-radius: 10px; background: #fff; box-shadow: 0 8px 28px rgb(0 0 0 / 25%); }
iframe[hidden] { display: none; }
`;

export interface Ui {
  show(): void;
  hide(): void;
  toggle(): void;
}

export interface UiOptions {
  panelUrl: string;
  /** Accessible name of the launcher (localised). */
  label: string;
  /** Title of the panel frame (localised). */
  title: string;
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

export function mountUi({ panelUrl, label, title }: UiOptions): Ui {
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

  const show = () => {
    if (!frame) {
      // Created on first use: the panel (preact and all) loads only when asked for.
      frame = document.createElement('iframe');
      frame.src = panelUrl;
      frame.title = title;
      frame.addEventListener('load', () => frame?.focus());
      root.append(frame);
    }
    frame.hidden = false;
    frame.focus();
    button.setAttribute('aria-expanded', 'true');
  };
  const hide = () => {
    if (!frame) return;
    frame.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  const toggle = () => (isOpen() ? hide() : show());

  button.addEventListener('click', toggle);
  document.documentElement.append(host);
  return { show, hide, toggle };
}
