/** Queries built once (`prepared.ts`): each call's own values, on either database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { IdentityStatus } from './schema.ts';

let db: Db;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(async () => {
  await db.destroy();
});

const DEMO = 'urn:oid:1.2.250.1.213.1.4.11';
const TEST = 'urn:oid:1.2.250.1.213.1.4.10';
const patient = (id: string, ins: string, system = DEMO, usedName?: string) => ({
  id,
  ins,
  ins_system: system,
  used_name: usedName,
  identity_status: 'QUAL' as const,
  birth_name: id.toUpperCase(),
  given_names: 'ESSAI',
  birth_date: '1980-01-01',
  sex: 'female' as const,
});

const insertPatient = prepared((db: Db, row: ReturnType<typeof patient>) => db.insertInto('patient').values(row));
const byIns = prepared((db: Db, ins: string, system?: string) => {
  const query = db.selectFrom('patient').select('id').where('ins', '=', ins);
  return (system === undefined ? query : query.where('ins_system', '=', system)).orderBy('id');
});
const ids = async (q: Promise<{ rows: { id: string }[] }>) => (await q).rows.map((r) => r.id);

describe('a prepared query', () => {
  it('runs with each call’s values, not the first call’s', async () => {
    await insertPatient(db, patient('p1', '111'));
    await insertPatient(db, patient('p2', '222'));
    expect(await ids(byIns(db, '111'))).toEqual(['p1']);
    expect(await ids(byIns(db, '222'))).toEqual(['p2']);
  });

  it('compiles a form of its own for an argument left out, and a row’s fields left out', async () => {
    await insertPatient(db, patient('p1', '111', TEST, 'USUEL'));
    await insertPatient(db, patient('p2', '111', DEMO));
    expect(await ids(byIns(db, '111'))).toEqual(['p1', 'p2']);
    expect(await ids(byIns(db, '111', DEMO))).toEqual(['p2']);
    expect(await ids(byIns(db, '111', TEST))).toEqual(['p1']);
    const names = await db.selectFrom('patient').select(['id', 'used_name']).orderBy('id').execute();
    expect(names).toEqual([
      { id: 'p1', used_name: 'USUEL' },
      { id: 'p2', used_name: null },
    ]);
  });

  it('takes null as a value like any other: a first null does not stay in the query', async () => {
    const insertNamed = prepared((db: Db, id: string, ins: string, usedName: string | null) =>
      db.insertInto('patient').values({ ...patient('x', 'x'), id, ins, used_name: usedName }),
    );
    await insertNamed(db, 'a', '1', null);
    await insertNamed(db, 'b', '2', 'USUEL');
    expect(await db.selectFrom('patient').select(['id', 'used_name']).orderBy('id').execute()).toEqual([
      { id: 'a', used_name: null },
      { id: 'b', used_name: 'USUEL' },
    ]);
  });

  it('takes arrays of any length (a form per length)', async () => {
    for (const id of ['a', 'b', 'c']) await insertPatient(db, patient(id, `ins-${id}`));
    const some = prepared((db: Db, list: string[]) =>
      db.selectFrom('patient').select('id').where('id', 'in', list).orderBy('id'),
    );
    expect(await ids(some(db, ['a', 'c']))).toEqual(['a', 'c']);
    expect(await ids(some(db, ['b']))).toEqual(['b']);
    expect(await ids(some(db, ['c', 'b', 'a']))).toEqual(['a', 'b', 'c']);
  });

  it('inserts several rows in one statement (a form per number of rows)', async () => {
    const insertAll = prepared((db: Db, rows: ReturnType<typeof patient>[]) => db.insertInto('patient').values(rows));
    await insertAll(db, [patient('a', '1'), patient('b', '2', TEST, 'USUEL')]);
    await insertAll(db, [patient('c', '3')]);
    expect(await ids(byIns(db, '2', TEST))).toEqual(['b']);
    expect(await db.selectFrom('patient').select(['id', 'used_name']).orderBy('id').execute()).toEqual([
      { id: 'a', used_name: null },
      { id: 'b', used_name: 'USUEL' },
      { id: 'c', used_name: null },
    ]);
  });

  it('counts the rows an update changed', async () => {
    await insertPatient(db, patient('p1', '111'));
    const qualify = prepared((db: Db, id: string, status: IdentityStatus) =>
      db
        .updateTable('patient')
        .set({ identity_status: status })
        .where('id', '=', id)
        .where('identity_status', '<>', status),
    );
    expect((await qualify(db, 'p1', 'VALI')).numAffectedRows).toBe(1n);
    expect((await qualify(db, 'p1', 'VALI')).numAffectedRows).toBe(0n);
  });

  it('refuses a builder that uses an argument otherwise than as a value', async () => {
    const named = prepared((db: Db, column: string) => db.selectFrom('patient').select(column as 'id'));
    await expect(named(db, 'id')).rejects.toThrow(/not a parameter/);
    const branching = prepared((db: Db, ins: string) =>
      ins.startsWith('1')
        ? db.selectFrom('patient').select('id').where('ins', '=', ins)
        : db.selectFrom('patient').select('id'),
    );
    await expect(branching(db, '111')).rejects.toThrow(/not a parameter/);
    const computing = prepared((db: Db, id: string) =>
      db.selectFrom('patient').select('id').where('ins', '=', `ins-${id}`),
    );
    await expect(computing(db, 'a')).rejects.toThrow(/computed/);
    const upper = prepared((db: Db, id: string) =>
      db.selectFrom('patient').select('id').where('id', '=', id.toUpperCase()),
    );
    await expect(upper(db, 'a')).rejects.toThrow(/computed/);
  });

  it('lets a query of some arguments leave the others out, and still refuses one used as a name', async () => {
    await insertPatient(db, patient('p1', '111'));
    const some = prepared(
      (db: Db, ...[id]: [id: string, unused: string]) => db.selectFrom('patient').select('id').where('id', '=', id),
      { someArguments: true },
    );
    expect((await some(db, 'p1', 'x')).rows).toEqual([{ id: 'p1' }]);
    const named = prepared(
      (db: Db, ...[column]: [column: string, id: string]) => db.selectFrom('patient').select(column as 'id'),
      { someArguments: true },
    );
    await expect(named(db, 'id', 'p1')).rejects.toThrow(/not a parameter/);
  });
});
