/**
 * Answers kept for idempotency keys last a day: a client's retry within the day gets the first
 * answer again; after it, housekeeping has forgotten the key and the request runs anew (a second
 * declaration changes nothing). The platform's clock is the test's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { housekeep } from '../platform.ts';

const HOUR = 3600_000;
let clock: Date;
let platform: TestPlatform;
beforeEach(async () => {
  clock = new Date('2026-11-24T09:00:00.000Z');
  platform = await testPlatform(
    {},
    { now: () => clock, seed: async (db) => void (await givenPatient(db, { id: 'girard' })) },
  );
});
afterEach(() => platform.close());

const join = async (key: string) =>
  platform.app.inject({
    method: 'POST',
    url: '/fhir/Patient/girard/$care-team-join',
    headers: { ...(await platform.issuer.bearer()), 'idempotency-key': key },
  });
const later = (hours: number) => (clock = new Date(clock.getTime() + hours * HOUR));
const joins = async () =>
  (await platform.db.selectFrom('audit_event').select('seq').where('kind', '=', 'care-team-join').execute()).length;

describe('answers kept for idempotency keys', () => {
  it('are replayed for a day, then forgotten at housekeeping: the key runs anew and changes nothing', async () => {
    const first = await join('retry-key-0001');
    expect(first.statusCode).toBe(201);

    later(23);
    await housekeep(platform.deps, 'instance-a');
    const retried = await join('retry-key-0001');
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toBe(first.body);

    later(2);
    await housekeep(platform.deps, 'instance-a');
    const anew = await join('retry-key-0001');
    expect(anew.headers['idempotent-replayed']).toBeUndefined();
    expect(anew.statusCode).toBe(200);
    expect(await joins()).toBe(1);
  });

  it('an answer that changed nothing is dated by the platform’s clock too', async () => {
    expect((await join('first-join-01')).statusCode).toBe(201);
    const again = await join('second-join-01');
    expect(again.statusCode).toBe(200);
    later(25);
    await housekeep(platform.deps, 'instance-a');
    const kept = await platform.db.selectFrom('idempotency_key').select('key').execute();
    expect(kept).toEqual([]);
  });
});
