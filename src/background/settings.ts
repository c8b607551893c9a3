/** The user's settings in `storage.local`, parsed on every read; defaults for what is absent or invalid. */
import { Settings } from '../core/protocol.ts';
import { DEFAULT_PLATFORM_URL } from '../core/platform.ts';
import type { SessionArea } from './context-store.ts';

const KEY = 'settings';
export const DEFAULT_SETTINGS: Settings = {
  platformUrl: DEFAULT_PLATFORM_URL,
};

export async function loadSettings(area: SessionArea): Promise<Settings> {
  const stored = (await area.get(KEY))[KEY];
  // Settings saved by an older version lack newer fields: keep what they have, default the rest.
  const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...(typeof stored === 'object' ? stored : {}) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function saveSettings(area: SessionArea, settings: Settings): Promise<Settings> {
  const clean = Settings.parse({ ...settings, platformUrl: settings.platformUrl.replace(/\/+$/, '') });
  await area.set({ [KEY]: clean });
  return clean;
}
