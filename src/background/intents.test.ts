import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../test/support/memory-area.ts';
import { INTENT_TTL_MS, saveIntent, takeIntent } from './intents.ts';

describe('keyboard-shortcut intents', () => {
  it('are handed once to the panel of their tab', async () => {
    const area = memoryArea();
    await saveIntent(area, 7, { action: 'careTeam.join', at: 1000 });
    expect(await takeIntent(area, 8, 1000)).toBeNull();
    expect(await takeIntent(area, 7, 1000)).toEqual({ action: 'careTeam.join', at: 1000 });
    expect(await takeIntent(area, 7, 1000)).toBeNull();
  });

  it('lapse after 30 seconds, and a damaged one is void', async () => {
    const area = memoryArea();
    await saveIntent(area, 7, { action: 'careTeam.join', at: 0 });
    expect(await takeIntent(area, 7, INTENT_TTL_MS + 1)).toBeNull();
    await area.set({ 'intent:7': { action: 'break-glass', at: 0 } });
    expect(await takeIntent(area, 7, 0)).toBeNull();
  });
});
