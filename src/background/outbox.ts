/**
 * The care-circle outbox. A declaration made while the platform cannot be reached is kept in
 * IndexedDB (it survives the service worker's shutdown and a browser restart) with its idempotency
 * key, and replayed with backoff (`alarms`) until the platform answers: applied, it leaves the
 * outbox; refused (the patient no longer exists, the professional may not), it stays, marked, for
 * the user to see; never silently dropped, never applied twice (the key goes with every replay).
 */
import { openDB } from 'idb';
import { OutboxItem, type CareTeamResult, type UnavailableReason } from '../core/protocol.ts';

export interface OutboxStore {
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The store in IndexedDB; every read is parsed (a damaged record is skipped, never acted on). */
export function idbOutboxStore(name = 'passerelle'): OutboxStore {
  const db = openDB(name, 1, {
    upgrade(database) {
      database.createObjectStore('outbox', { keyPath: 'key' });
    },
  });
  return {
    async all() {
      const rows: unknown[] = await (await db).getAll('outbox');
      return rows.flatMap((row) => {
        const parsed = OutboxItem.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
    },
    async put(item) {
      await (await db).put('outbox', OutboxItem.parse(item));
    },
    async delete(key) {
      await (await db).delete('outbox', key);
    },
  };
}

/** Worth retrying: the platform was unreachable, slow or failing; anything else is its answer. */
const TRANSIENT: ReadonlySet<UnavailableReason> = new Set(['unreachable', 'timeout', 'server']);
export const isTransient = (result: CareTeamResult) => result.status === 'unavailable' && TRANSIENT.has(result.reason);

/** 5 s, 10 s, 20 s… up to 10 min between attempts. */
export const backoff = (attempts: number) => Math.min(5_000 * 2 ** attempts, 10 * 60_000);

export interface OutboxDeps {
  store: OutboxStore;
  /** Sends one change with its key, for its professional (signed-out when not theirs). */
  send(item: OutboxItem): Promise<CareTeamResult>;
  /** Asks to be woken at this time (an alarm), or not at all. */
  schedule(when: number | undefined): void;
  now?: () => number;
}

export function createOutbox(deps: OutboxDeps) {
  const now = deps.now ?? Date.now;
  let flushing: Promise<void> | undefined;

  const reschedule = async () => {
    const pending = (await deps.store.all()).filter((i) => i.state === 'pending');
    deps.schedule(pending.length > 0 ? Math.min(...pending.map((i) => i.nextAt)) : undefined);
  };

  async function attempt(item: OutboxItem): Promise<boolean> {
    const result = await deps.send(item);
    if (result.status === 'ok') {
      await deps.store.delete(item.key);
      return true;
    }
    if (result.status === 'signed-out') return false; // waits for its professional's session
    if (isTransient(result)) {
      const attempts = item.attempts + 1;
      await deps.store.put({ ...item, attempts, nextAt: now() + backoff(attempts) });
      return false;
    }
    const detail = result.status === 'unavailable' ? result.detail : undefined;
    await deps.store.put({ ...item, state: 'refused', ...(detail ? { detail } : {}) });
    return false;
  }

  /** Replays what is due (or everything, `force`), oldest first; one flush at a time. */
  function flush(force = false): Promise<void> {
    flushing ??= (async () => {
      try {
        const due = (await deps.store.all())
          .filter((i) => i.state === 'pending' && (force || i.nextAt <= now()))
          .sort((a, b) => a.createdAt - b.createdAt);
        for (const item of due) await attempt(item);
      } finally {
        flushing = undefined;
        await reschedule();
      }
    })();
    return flushing;
  }

  return {
    async enqueue(item: Omit<OutboxItem, 'attempts' | 'nextAt' | 'state' | 'createdAt'>) {
      const at = now();
      await deps.store.put({ ...item, createdAt: at, attempts: 0, nextAt: at + backoff(0), state: 'pending' });
      await reschedule();
    },
    flush,
    list: () => deps.store.all(),
    /** Only a refused change can be forgotten by the user; a pending one is still on its way. */
    async dismiss(key: string) {
      const item = (await deps.store.all()).find((i) => i.key === key);
      if (item?.state === 'refused') await deps.store.delete(key);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
