import { afterEach, describe, expect, it } from 'vitest';
import { physician } from '../../test/support/audit.ts';
import { testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { findPractitioner, practitionerRecorder } from './practitioners.ts';

describe('practitionerRecorder', () => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.destroy();
  });

  /** A database that counts the practitioner rows written. */
  async function counting() {
    const writes = { n: 0 };
    db = await testDatabase({
      log: (query) => {
        if (/^insert into "practitioner"/i.test(query.sql)) writes.n++;
      },
    });
    return { db, writes };
  }

  it('writes a professional once for requests arriving together, again when their claims change', async () => {
    const { db, writes } = await counting();
    const record = practitionerRecorder(db);
    await Promise.all(Array.from({ length: 16 }, () => record(physician)));
    expect(writes.n).toBe(1);
    await record(physician);
    expect(writes.n).toBe(1);
    await record({ ...physician, mssante: 'nouvelle.adresse@medecin.mssante.fr' });
    expect(writes.n).toBe(2);
    expect((await findPractitioner(db, physician.idNps))?.practitioner.mssante).toBe(
      'nouvelle.adresse@medecin.mssante.fr',
    );
  });

  it('tries again at the next request when the write failed', async () => {
    const { db, writes } = await counting();
    const record = practitionerRecorder(db);
    const broken = { ...physician, familyName: null as unknown as string };
    await expect(Promise.all([record(broken), record(broken)])).rejects.toThrow();
    expect(writes.n).toBe(1);
    await expect(record(broken)).rejects.toThrow();
    expect(writes.n).toBe(2);
    await record(physician);
    expect(await findPractitioner(db, physician.idNps)).toBeDefined();
  });
});
