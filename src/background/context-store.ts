/**
 * What content scripts detected, per tab and frame, in `storage.session`: it survives the service
 * worker's shutdown, is cleared with the browser session, and content scripts cannot read it
 * (`storage.session` is limited to trusted contexts by default).
 */
import { PageContext } from '../core/protocol.ts';

export interface SessionArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const PREFIX = 'context:';
const key = (tabId: number, frameId: number) => `${PREFIX}${tabId}:${frameId}`;

/** How many readings the tab's frames reported (`scans:<tab>`): a positive signal that a page was read. */
const scansKey = (tabId: number) => `scans:${tabId}`;

export async function saveFrameContext(area: SessionArea, tabId: number, frameId: number, context: PageContext) {
  const scans = Number((await area.get(scansKey(tabId)))[scansKey(tabId)] ?? 0);
  await area.set({ [scansKey(tabId)]: scans + 1 });
  if (context.patients.length === 0 && context.shareCodes.length === 0) await area.remove(key(tabId, frameId));
  else await area.set({ [key(tabId, frameId)]: context });
}

/** The tab's patients across its frames (top frame first), parsed again on the way out. */
export async function loadTabContext(area: SessionArea, tabId: number): Promise<PageContext | null> {
  const all = await area.get(null);
  const frames = Object.entries(all)
    .filter(([k]) => k.startsWith(`${PREFIX}${tabId}:`))
    .sort(([a], [b]) => Number(a.split(':')[2]) - Number(b.split(':')[2]))
    .map(([, value]) => PageContext.safeParse(value))
    .filter((r) => r.success)
    .map((r) => r.data);
  if (frames.length === 0) return null;
  return {
    origin: frames[0]!.origin,
    detectedAt: Math.max(...frames.map((f) => f.detectedAt)),
    patients: frames.flatMap((f) => f.patients).slice(0, 50),
    shareCodes: [...new Set(frames.flatMap((f) => f.shareCodes))].slice(0, 5),
  };
}

export async function forgetTab(area: SessionArea, tabId: number) {
  const all = await area.get(null);
  await area.remove([...Object.keys(all).filter((k) => k.startsWith(`${PREFIX}${tabId}:`)), scansKey(tabId)]);
}
