/**
 * Sites where Passerelle runs, and nowhere else. The user enables a site in the options page, which
 * asks the browser for that host's permission (a user gesture); the background then registers the
 * content script for exactly the enabled sites whose permission is still granted
 * (`scripting.registerContentScripts`). A site whose permission the user withdrew in the browser
 * is dropped from the list. Synchronised at install, at browser start and on permission changes.
 */
import { SiteOrigin, Sites } from '../core/protocol.ts';
import type { SessionArea } from './context-store.ts';

const KEY = 'sites';
export const SCRIPT_ID = 'passerelle-sites';

/**
 * The site a user typed, as stored: scheme and host, lower case, no port, no path
 * (`webmail.chu.fr/roundcube/?_task=mail` → `https://webmail.chu.fr`). Match patterns cover every
 * port of a host (Firefox does not accept a port in them), so the site does too.
 */
export function siteOf(input: string): string | undefined {
  const trimmed = input.trim();
  const url = URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) return undefined;
  const site = `${url.protocol}//${url.hostname}`;
  return SiteOrigin.safeParse(site).success ? site : undefined;
}

/** The match pattern (content script and host permission) of a site. */
export const sitePattern = (site: string) => `${site}/*`;

export interface ContentScriptRegistration {
  id: string;
  matches: string[];
  js: string[];
  allFrames: boolean;
  runAt: 'document_idle';
  persistAcrossSessions: boolean;
}

/** The part of `browser.scripting` used here. */
export interface Scripting {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string }[]>;
  registerContentScripts(scripts: ContentScriptRegistration[]): Promise<unknown>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<unknown>;
}

export interface SitesDeps {
  local: SessionArea;
  scripting: Scripting;
  /** Whether the browser grants the host permission for this match pattern. */
  granted(pattern: string): Promise<boolean>;
  /** The built content script's path in the extension (`src/content/content-script.ts?script`). */
  script: string;
}

export async function loadSites(area: SessionArea): Promise<string[]> {
  const parsed = Sites.safeParse((await area.get(KEY))[KEY]);
  return parsed.success ? parsed.data : [];
}

async function saveSites(area: SessionArea, sites: string[]): Promise<string[]> {
  const clean = Sites.parse([...new Set(sites)].sort());
  await area.set({ [KEY]: clean });
  return clean;
}

export function createSites(deps: SitesDeps) {
  // One synchronisation at a time: two overlapping ones would register the same id twice.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  const sync = async (): Promise<string[]> => {
    const stored = await loadSites(deps.local);
    const enabled: string[] = [];
    for (const site of stored) if (await deps.granted(sitePattern(site))) enabled.push(site);
    if (enabled.length !== stored.length) await saveSites(deps.local, enabled);
    const registered = await deps.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    if (registered.length > 0) await deps.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    if (enabled.length > 0) {
      await deps.scripting.registerContentScripts([
        {
          id: SCRIPT_ID,
          matches: enabled.map(sitePattern),
          js: [deps.script],
          allFrames: true,
          runAt: 'document_idle',
          persistAcrossSessions: true,
        },
      ]);
    }
    return enabled;
  };

  return {
    get: () => loadSites(deps.local),
    /** Registers the content script for the enabled sites that still have their permission. */
    sync: () => serially(sync),
    /** Replaces the list; refuses a site whose host permission the browser has not granted. */
    set: (sites: string[]) =>
      serially(async () => {
        for (const site of sites) {
          if (!(await deps.granted(sitePattern(site)))) throw new Error('no host permission');
        }
        await saveSites(deps.local, sites);
        return sync();
      }),
  };
}

export type SitesManager = ReturnType<typeof createSites>;
