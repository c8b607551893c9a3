/** Where the extension meets its platform; shared by the extension, the platform and the tests. */

/** Default platform for the demo (`npm start`); set another in the options page. */
export const DEFAULT_PLATFORM_URL = 'http://127.0.0.1:8787';

/**
 * Chrome derives the extension id from the public `key` of `manifest.json`, so every unpacked
 * build has this id and this origin (checked by `scripts/manifest.test.ts`). A store build gets
 * the store's id: list it in the platform's `ALLOWED_ORIGINS`.
 */
export const CHROME_EXTENSION_ID = 'lbicpfomifkfeafmbhcbedgfgjnhcnpi';
export const CHROME_EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** Firefox's add-on id (`browser_specific_settings.gecko.id`, set in `vite.config.ts`). */
export const FIREFOX_EXTENSION_ID = 'passerelle@passerelle.example';

/** The extension's client id at the platform (which is its authorization server: docs/sign-in.md). */
export const EXTENSION_CLIENT_ID = 'passerelle-extension';
