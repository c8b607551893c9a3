/**
 * What several platform instances on one database share instead of keeping in memory (issue 20):
 * leases on the tasks one instance at a time does, the DPoP proofs seen while they are fresh, and
 * the demo patient page's sessions.
 */
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';

/**
 * Takes (or keeps) the lease `name` for `holder` until `until`, unless another holder's lease runs
 * past `now`. Answers whether `holder` has it: one conditional upsert, whatever the concurrency.
 */
export async function takeLease(db: Db, name: string, holder: string, now: Date, until: Date): Promise<boolean> {
  const result = await db
    .insertInto('platform_lease')
    .values({ name, holder, until: until.toISOString() })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, until: until.toISOString() })
        .where((eb) =>
          eb.or([eb('platform_lease.until', '<', now.toISOString()), eb('platform_lease.holder', '=', holder)]),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Notes a proof as seen until `until`; answers false if it was seen and is still fresh (a replay). */
export async function firstProofUse(db: Db, jti: string, now: Date, until: Date): Promise<boolean> {
  return Number((await proofUse(db, jti, until.toISOString(), now.toISOString())).numAffectedRows ?? 0) === 1;
}

const proofUse = prepared((db: Db, jti: string, until: string, now: string) =>
  db
    .insertInto('dpop_proof')
    .values({ jti, until })
    .onConflict((oc) => oc.column('jti').doUpdateSet({ until }).where('dpop_proof.until', '<', now)),
);

/** Forgets the proofs no longer fresh (a replay of them fails on its date anyway). */
export async function forgetStaleProofs(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('dpop_proof').where('until', '<', now.toISOString()).execute();
}

export async function openPatientSession(db: Db, tokenHash: string, patientId: string, until: Date): Promise<void> {
  await db
    .insertInto('patient_page_session')
    .values({ token_hash: tokenHash, patient_id: patientId, until: until.toISOString() })
    .execute();
}

/** The patient whose page session this is, while it lasts. */
export async function patientOfSession(db: Db, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('patient_page_session')
    .select('patient_id')
    .where('token_hash', '=', tokenHash)
    .where('until', '>', now.toISOString())
    .executeTakeFirst();
  return row?.patient_id;
}

export async function endPatientSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db
    .deleteFrom('patient_page_session')
    .where((eb) => eb.or([eb('token_hash', '=', tokenHash), eb('until', '<', now.toISOString())]))
    .execute();
}
