/**
 * The audit log's start-up check (`openAuditLog`): the platform does not start on a database whose
 * chain does not extend what was published outside it (docs/audit.md).
 */
import type { JWK } from 'jose';
import { entryAt, lastSealed } from '../storage/audit-chain.ts';
import type { Db } from '../storage/database.ts';
import { isPostgres } from '../storage/dialect.ts';
import { signedBy, type CheckpointStore } from './published.ts';

/** The database does not extend what was published: the platform must not start on it. */
export class AuditIntegrityError extends Error {}

/**
 * The start-up check: the last published checkpoint (signed by one of the log's keys) must be an
 * entry of this database's chain, with the same hash. A database behind it (truncated, wiped, an
 * old backup) or beside it (rewritten) is refused, as is a database with checkpoints whose
 * publication file is missing.
 */
export async function refuseUnlessExtends(
  db: Db,
  published: CheckpointStore,
  keys: JWK[],
  onNotice?: (message: string) => void,
): Promise<void> {
  const last = published.last();
  if (!last) {
    if ((await lastSealed(db)) > 0 && published.where !== '(memory)' && isPostgres(db)) {
      // Several instances share the database: one that joins (or whose own file was lost) has
      // published nothing yet; the others' publications and the witnesses hold the checkpoints.
      onNotice?.(
        `audit log: ${published.where} holds no checkpoint yet while the database has some: ` +
          'this instance publishes them from now on (the other instances and the witnesses hold the earlier ones)',
      );
      return;
    }
    if ((await lastSealed(db)) > 0 && published.where !== '(memory)') {
      throw new AuditIntegrityError(
        `audit log: the database has signed checkpoints but their publication ${published.where} is missing or empty; ` +
          'restore it (from a backup or a witness) before starting — refusing to start',
      );
    }
    return;
  }
  if (!signedBy(last, keys)) {
    throw new AuditIntegrityError(
      `audit log: the last published checkpoint (entry ${last.seq}) is not signed by a key of this log — refusing to start`,
    );
  }
  const entry = await entryAt(db, last.seq);
  if (!entry || entry.hash !== last.hash) {
    throw new AuditIntegrityError(
      entry
        ? `audit log: entry ${last.seq} differs from the published checkpoint (log rewritten) — refusing to start`
        : `audit log: the database ends before entry ${last.seq}, published in ${published.where} (log truncated or an older backup) — refusing to start`,
    );
  }
}
