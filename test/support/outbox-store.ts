/** An outbox store in memory, for tests (the extension's own is IndexedDB: `src/background/outbox.ts`). */
import { OutboxItem } from '../../src/core/protocol.ts';
import type { OutboxStore } from '../../src/background/outbox.ts';

export function memoryOutboxStore(): OutboxStore & { items: Map<string, OutboxItem> } {
  const items = new Map<string, OutboxItem>();
  return {
    items,
    all: async () => [...items.values()].map((i) => structuredClone(i)),
    put: async (i) => void items.set(i.key, structuredClone(OutboxItem.parse(i))),
    delete: async (k) => void items.delete(k),
  };
}
