/** The user's settings in `storage.local`, parsed on every read; defaults where absent or invalid. */
import { Settings } from '../core/protocol.ts';
import { DEFAULT_PLATFORM_URL } from '../core/platform.ts';
import type { SessionArea } from './context-store.ts';

const KEY = 'settings';
export const DEFAULT_SETTINGS: Settings = { platformUrl: DEFAULT_PLATFORM_URL };

export async function loadSettings(area: SessionArea): Promise<Settings> {
  const parsed = Settings.safeParse((await area.get(KEY))[KEY]);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function saveSettings(area: SessionArea, settings: Settings): Promise<Settings> {
  const clean = Settings.parse({ platformUrl: settings.platformUrl.replace(/\/+$/, '') });
  await area.set({ [KEY]: clean });
  return clean;
}
