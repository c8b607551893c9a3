/** What several platform instances share in the database: leases and the DPoP proofs seen. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { firstProofUse, forgetStaleProofs, takeLease } from './shared-state.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(async () => {
  await db.destroy();
});

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 24, 9, minutes));

describe('leases (one instance at a time)', () => {
  it('belongs to one holder until it runs out; the holder renews it; then another takes it', async () => {
    expect(await takeLease(db, 'housekeeping', 'a', at(0), at(1))).toBe(true);
    expect(await takeLease(db, 'housekeeping', 'b', at(0), at(1))).toBe(false);
    expect(await takeLease(db, 'housekeeping', 'a', at(0), at(2))).toBe(true);
    expect(await takeLease(db, 'housekeeping', 'b', at(1), at(3))).toBe(false);
    expect(await takeLease(db, 'housekeeping', 'b', at(3), at(4))).toBe(true);
    expect(await takeLease(db, 'other-task', 'a', at(3), at(4))).toBe(true);
  });

  it('goes to exactly one of many instances asking at once', async () => {
    const won = await Promise.all(
      Array.from({ length: 8 }, (_, i) => takeLease(db, 'housekeeping', `i${i}`, at(0), at(1))),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe('DPoP proofs seen', () => {
  it('refuses a proof seen while it is fresh, forgets it once stale', async () => {
    expect(await firstProofUse(db, 'jkt:1', at(0), at(1))).toBe(true);
    expect(await firstProofUse(db, 'jkt:1', at(0), at(1))).toBe(false);
    expect(await firstProofUse(db, 'jkt:2', at(0), at(1))).toBe(true);
    // Stale (a replay would fail on its date anyway): the row may be taken again.
    expect(await firstProofUse(db, 'jkt:1', at(2), at(3))).toBe(true);
    await forgetStaleProofs(db, at(2));
    expect(await db.selectFrom('dpop_proof').select('jti').execute()).toEqual([{ jti: 'jkt:1' }]);
  });
});
