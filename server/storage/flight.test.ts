/**
 * A transaction in one flight (PostgreSQL): its statements leave without waiting for each other's
 * answers, and it is committed whole or not at all.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdAdvisoryLock, onPostgres, testDatabase } from '../../test/support/database.ts';
import { wireTap, type WireTap } from '../../test/support/wire-tap.ts';
import type { Db } from './database.ts';
import { canFly, inOneFlight } from './flight.ts';

let db: Db;
let tap: WireTap;

beforeEach(async () => {
  tap = await wireTap();
  db = await testDatabase({ via: tap.relay });
  await sql`CREATE TABLE flight_probe (v TEXT PRIMARY KEY)`.execute(db);
});
afterEach(async () => {
  await db.destroy();
  await tap.close();
});

const probe = async () =>
  (await sql<{ v: string }>`SELECT v FROM flight_probe ORDER BY v`.execute(db)).rows.map((r) => r.v);
const insert = (tx: Db, v: string) => sql`INSERT INTO flight_probe (v) VALUES (${v})`.execute(tx);

describe.runIf(onPostgres())('a transaction in one flight (PostgreSQL)', () => {
  it('sends a statement before the one ahead of it is answered', async () => {
    const release = await holdAdvisoryLock(db, 4242);
    let answered = false;
    const flight = inOneFlight(db, async (tx) => {
      // The first waits for the lock held elsewhere; the second is sent behind it all the same.
      const first = sql`SELECT pg_advisory_xact_lock(${4242})`.execute(tx).then(() => (answered = true));
      await Promise.all([first, insert(tx, 'sent behind')]);
    });
    await tap.sent('INSERT INTO flight_probe');
    expect(answered).toBe(false);
    await release();
    await flight;
    expect(await probe()).toEqual(['sent behind']);
  });

  it('sends the COMMIT behind its last statement without waiting for that statement’s answer', async () => {
    const release = await holdAdvisoryLock(db, 4243);
    let answered = false;
    const flight = inOneFlight(db, async (tx, last) => {
      await insert(tx, 'first');
      await last(() => sql`SELECT pg_advisory_xact_lock(${4243})`.execute(tx).then(() => (answered = true)));
    });
    await tap.sent('COMMIT');
    expect(answered).toBe(false);
    await release();
    await flight;
    expect(await probe()).toEqual(['first']);
  });

  it('takes the transaction back when its last statement fails, and the connection serves again', async () => {
    const failed = inOneFlight(db, async (tx, last) => {
      await insert(tx, 'a');
      await last(() => insert(tx, 'a'));
    });
    await expect(failed).rejects.toThrow(/duplicate key/);
    expect(await probe()).toEqual([]);
    // A `last` that sends nothing leaves nothing held back: the earlier statements commit.
    await inOneFlight(db, async (tx, last) => {
      await insert(tx, 'b');
      await last(() => Promise.resolve());
    });
    for (let i = 0; i < 6; i++) await inOneFlight(db, (tx, last) => last(() => insert(tx, `again ${i}`)));
    expect(await probe()).toHaveLength(7);
  });

  it('says so when a flight fails after its last statement succeeded: its COMMIT had gone', async () => {
    const mistake = new Error('a check made too late');
    const failed = inOneFlight(db, async (tx, last) => {
      await last(() => insert(tx, 'committed'));
      throw mistake;
    });
    await expect(failed).rejects.toMatchObject({ message: expect.stringMatching(/committed/), cause: mistake });
    expect(await probe()).toEqual(['committed']);
  });

  it('commits every statement, or none when the flight is refused after they were answered', async () => {
    await inOneFlight(db, async (tx) => void (await Promise.all([insert(tx, 'a'), insert(tx, 'b')])));
    const refused = new Error('the check refused');
    await expect(
      inOneFlight(db, async (tx) => {
        await Promise.all([insert(tx, 'c'), insert(tx, 'd')]);
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(await probe()).toEqual(['a', 'b']);
  });

  it('takes back the statements before one that fails, and the connection serves again', async () => {
    const results = await inOneFlight(db, (tx) =>
      Promise.allSettled([insert(tx, 'before'), insert(tx, 'a'), insert(tx, 'a'), insert(tx, 'after')]),
    ).catch((error: unknown) => error);
    // The flight's own promise fails: its COMMIT is answered ROLLBACK.
    expect(results).toBeInstanceOf(Error);
    expect(await probe()).toEqual([]);
    // Every connection of the pool, this one included, still commits.
    for (let i = 0; i < 6; i++) await inOneFlight(db, (tx) => insert(tx, `again ${i}`));
    expect(await probe()).toHaveLength(6);
  });
});

describe.runIf(!onPostgres())('SQLite', () => {
  it('has no flight: one writer, no round trip to save', () => {
    expect(canFly(db)).toBe(false);
  });
});
