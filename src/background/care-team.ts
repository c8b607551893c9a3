/**
 * The care circle, for the panel: read it, join or leave in one click. A change the platform cannot
 * take now goes to the outbox (`outbox.ts`) with its idempotency key and is replayed later; the
 * panel says "en attente" meanwhile, and shows a change the platform refused.
 */
import type { CareTeamChange, CareTeamResult, OutboxItem } from '../core/protocol.ts';
import { changeCareTeam, readCareTeam } from './care-team-client.ts';
import { createOutbox, isTransient, type OutboxStore } from './outbox.ts';
import type { PlatformSession } from './platform-session.ts';

export interface CircleDeps {
  session: PlatformSession;
  store: OutboxStore;
  schedule(when: number | undefined): void;
  fetch?: typeof fetch;
  newKey?: () => string;
  now?: () => number;
}

export function createCareTeam(deps: CircleDeps) {
  const { session } = deps;
  const send = async (change: CareTeamChange, patientId: string, key: string, idNps: string | undefined) =>
    session.call((connection) =>
      changeCareTeam(change, patientId, key, { ...connection, fetch: deps.fetch, myIdNps: idNps }),
    );

  const outbox = createOutbox({
    store: deps.store,
    schedule: deps.schedule,
    now: deps.now,
    // A change is replayed only with the session of the professional who made it.
    async send(item: OutboxItem): Promise<CareTeamResult> {
      const me = await session.idNps();
      return me === item.idNps ? send(item.change, item.patientId, item.key, me) : { status: 'signed-out' };
    },
  });

  const mine = async (patientId: string) => {
    const me = await session.idNps();
    return (await outbox.list()).filter((i) => i.patientId === patientId && i.idNps === me);
  };

  return {
    outbox,

    async get(patientId: string): Promise<CareTeamResult> {
      // Waiting changes for this patient go first: the circle shown is the one after them.
      if ((await mine(patientId)).some((i) => i.state === 'pending')) await outbox.flush(true);
      const me = await session.idNps();
      const result = await session.call((connection) =>
        readCareTeam(patientId, { ...connection, fetch: deps.fetch, myIdNps: me }),
      );
      const items = await mine(patientId);
      const pending = items.find((i) => i.state === 'pending');
      if (pending && (result.status !== 'ok' || isTransient(result)))
        return { status: 'queued', change: pending.change };
      const refused = items.find((i) => i.state === 'refused');
      return result.status === 'ok' && refused ? { ...result, refused: refused.detail ?? '' } : result;
    },

    /** One idempotency key per click: every retry and replay of it carries the same key. */
    async change(change: CareTeamChange, patientId: string): Promise<CareTeamResult> {
      const me = await session.idNps();
      const key = (deps.newKey ?? (() => crypto.randomUUID()))();
      const result = await send(change, patientId, key, me);
      if (!isTransient(result) || !me) return result;
      await outbox.enqueue({ key, change, patientId, idNps: me });
      return { status: 'queued', change };
    },
  };
}

export type CareTeam = ReturnType<typeof createCareTeam>;
