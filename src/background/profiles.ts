/** DPI banner profiles in `storage.local`, parsed on every read; a page gets only its own. */
import { DpiProfiles, type DpiProfile } from '../core/protocol.ts';
import type { SessionArea } from './context-store.ts';

const KEY = 'dpiProfiles';

export async function loadProfiles(area: SessionArea): Promise<DpiProfile[]> {
  const parsed = DpiProfiles.safeParse((await area.get(KEY))[KEY]);
  return parsed.success ? parsed.data : [];
}

export async function saveProfiles(area: SessionArea, profiles: DpiProfile[]): Promise<DpiProfile[]> {
  const clean = DpiProfiles.parse(profiles);
  await area.set({ [KEY]: clean });
  return clean;
}

/** Same origin (not a mere string prefix: `https://dpi.chu.fr.evil.example`), path under the prefix's. */
export function matches(profile: DpiProfile, url: string): boolean {
  const page = URL.parse(url);
  const prefix = new URL(profile.urlPrefix);
  return page !== null && page.origin === prefix.origin && page.pathname.startsWith(prefix.pathname);
}

export async function profilesFor(area: SessionArea, url: string | undefined): Promise<DpiProfile[]> {
  if (!url) return [];
  return (await loadProfiles(area)).filter((p) => matches(p, url));
}
