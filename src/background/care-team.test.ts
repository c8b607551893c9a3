import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { createCareTeam } from './care-team.ts';
import { memoryOutboxStore } from '../../test/support/outbox-store.ts';
import type { PlatformSession } from './platform-session.ts';

let platform: TestPlatform;
let baseUrl: string;
let token: string;
beforeAll(async () => {
  platform = await testPlatform(
    {},
    { seed: async (db) => void (await Promise.all(['casanova', 'dubois'].map((id) => givenPatient(db, { id })))) },
  );
  baseUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  token = await platform.issuer.mint();
});
afterAll(() => platform.close());

function setup() {
  let down = false;
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    if (down) throw new TypeError('Failed to fetch');
    return globalThis.fetch(input, init);
  };
  let idNps: string | undefined = '899700100011';
  const session: PlatformSession = {
    call: (run) => run({ baseUrl, accessToken: idNps ? token : undefined }),
    idNps: async () => idNps,
  };
  const store = memoryOutboxStore();
  const circle = createCareTeam({ session, store, schedule: () => {}, fetch });
  return {
    circle,
    store,
    calls,
    setDown: (d: boolean) => (down = d),
    signOut: () => (idNps = undefined),
  };
}

const joins = async (patientId: string) =>
  Number(
    (
      await platform.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'care-team-join')
        .where('patient_id', '=', patientId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('care circle with the platform down', () => {
  it('queues the declaration, says so, and delivers it exactly once when the platform is back', async () => {
    const { circle, store, setDown } = setup();
    setDown(true);
    expect(await circle.change('join', 'casanova')).toEqual({ status: 'queued', change: 'join' });
    expect(await circle.get('casanova')).toEqual({ status: 'queued', change: 'join' });
    expect([...store.items.values()]).toEqual([
      expect.objectContaining({ change: 'join', patientId: 'casanova', state: 'pending', attempts: 1 }),
    ]);

    setDown(false);
    const circleNow = await circle.get('casanova'); // replays first, then reads
    expect(circleNow.status === 'ok' && circleNow.members.map((m) => [m.name, m.me])).toEqual([
      ['Dr Julien MOREAU', true],
    ]);
    expect(store.items.size).toBe(0);
    await circle.outbox.flush(true);
    expect(await joins('casanova')).toBe(1);
  });

  it('a refused offline declaration is kept and shown, not dropped', async () => {
    const { circle, setDown } = setup();
    setDown(true);
    await circle.change('join', 'nobody');
    setDown(false);
    await circle.outbox.flush(true);
    expect(await circle.outbox.list()).toEqual([
      expect.objectContaining({ patientId: 'nobody', state: 'refused', detail: 'Patient inconnu.' }),
    ]);
  });

  it('replays a declaration only with the session of the professional who made it', async () => {
    const { circle, setDown, signOut, store } = setup();
    setDown(true);
    await circle.change('join', 'dubois');
    setDown(false);
    signOut();
    await circle.outbox.flush(true);
    expect([...store.items.values()]).toEqual([expect.objectContaining({ state: 'pending' })]);
    expect(await joins('dubois')).toBe(0);
  });

  it('does not queue what the platform answered (a refusal is shown at once)', async () => {
    const { circle, store } = setup();
    expect(await circle.change('join', 'nobody')).toEqual({
      status: 'unavailable',
      reason: 'refused',
      detail: 'Patient inconnu.',
    });
    expect(store.items.size).toBe(0);
  });
});
