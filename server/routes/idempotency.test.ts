/**
 * Answers kept for idempotency keys last a day: a client's retry within the day gets the first
 * answer again; after it, housekeeping has forgotten the key and the request runs anew (a second
 * declaration changes nothing). The platform's clock is the test's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { testPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { housekeep } from '../platform.ts';
import { remember } from '../storage/idempotency.ts';
import { physician } from '../../test/support/audit.ts';

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

const declare = async (operation: 'join' | 'leave', key: string, as: 'physician' | 'nurse' = 'physician') =>
  platform.app.inject({
    method: 'POST',
    url: `/fhir/Patient/girard/$care-team-${operation}`,
    headers: { ...(await platform.issuer.bearer({ as })), 'idempotency-key': key },
  });
const join = (key: string) => declare('join', key);
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

  it('replay the circle as the answer showed it, whatever changed since, from a small record of it', async () => {
    const first = await join('physician-join-1');
    expect(first.statusCode).toBe(201);
    // Since: a nurse joins, then leaves; the physician leaves too.
    expect((await declare('join', 'nurse-join-0001', 'nurse')).statusCode).toBe(201);
    const nurseLeft = await declare('leave', 'nurse-leave-001', 'nurse');
    expect((await declare('leave', 'physician-leave', 'physician')).statusCode).toBe(200);
    later(1);

    const replayed = await join('physician-join-1');
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect([replayed.statusCode, replayed.body]).toEqual([201, first.body]);
    // The nurse's leave showed her participation ended, the physician's still open: so does its replay.
    const replayedLeave = await declare('leave', 'nurse-leave-001', 'nurse');
    expect([replayedLeave.statusCode, replayedLeave.body]).toEqual([200, nurseLeft.body]);
    // What is kept is which participations were shown, not the answer itself.
    const kept = await platform.db
      .selectFrom('idempotency_key')
      .select('response')
      .where('key', '=', 'nurse-leave-001')
      .executeTakeFirstOrThrow();
    expect(kept.response.length).toBeLessThan(nurseLeft.body.length / 4);
  });

  it('replay an answer kept whole (by a platform before this one) as it was kept', async () => {
    const whole = JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [] });
    const scope = { idnps: physician.idNps, key: 'kept-whole-0001', request: 'join girard' };
    await remember(platform.db, scope, { status: 201, json: whole }, clock);
    const replayed = await join('kept-whole-0001');
    expect([replayed.statusCode, replayed.headers['idempotent-replayed'], replayed.body]).toEqual([201, 'true', whole]);
    expect(await joins()).toBe(0);
  });
});
