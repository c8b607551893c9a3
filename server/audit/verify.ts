/**
 * Checks an audit log: every entry's hash, every link to the previous entry, no gap in the
 * sequence, every checkpoint's signature (against trusted public keys) and that the head it signed
 * is the entry's hash, and that no signed checkpoint lies beyond the last entry (truncation).
 * Checkpoints held **outside** the database (the platform's published file, a witness's copy) are
 * checked the same way: the log must contain and extend each of them, so deleting entries with
 * their checkpoints, wiping the log or rewriting it is found. Given a clock, an unsealed tail older
 * than the checkpoint interval allows is a failure too. Reports the first problem, in French.
 */
import type { JWK } from 'jose';
import { checkpointsBetween, entriesBetween, entryAt, storedKeys } from '../storage/audit-chain.ts';
import type { Db } from '../storage/database.ts';
import type { AuditCheckpointTable } from '../storage/schema.ts';
import { checkpointPayload, entryHash, GENESIS, isCanonical } from './chain.ts';
import { signedBy, type SignedCheckpoint } from './published.ts';
import { verifySignature } from './signer.ts';

export type ProblemKind =
  'hash' | 'link' | 'gap' | 'checkpoint-signature' | 'checkpoint-hash' | 'checkpoint-key' | 'truncated' | 'unsealed';

export interface VerifyReport {
  ok: boolean;
  /** Entries checked, and their range. */
  entries: number;
  first?: number;
  last?: number;
  headHash?: string;
  checkpoints: number;
  lastCheckpoint?: number;
  problem?: { seq: number; kind: ProblemKind; message: string };
}

export interface VerifyOptions {
  from?: number;
  to?: number;
  /** Public keys to trust; by default those the database lists (weaker: see docs/audit.md). */
  trustedKeys?: JWK[];
  /** Checkpoints kept outside the database (published file, witness): each must be in the chain. */
  external?: { where: string; checkpoints: SignedCheckpoint[] }[];
  /** Entries may wait unsealed at most this long before `now` (twice the checkpoint interval). */
  sealing?: { now: Date; maxUnsealedMs: number };
}

const BATCH = 1000;

export async function verifyAudit(db: Db, options: VerifyOptions = {}): Promise<VerifyReport> {
  const from = Math.max(1, options.from ?? 1);
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  const keys = options.trustedKeys ?? (await storedKeys(db)).map((jwk) => JSON.parse(jwk) as JWK);
  const keyById = new Map(keys.map((k) => [k.kid, k]));
  const checkpoints = await checkpointsBetween(db, from, to);
  const checkpointAt = new Map(checkpoints.map((c) => [c.seq, c]));
  const outside = (options.external ?? []).flatMap(({ where, checkpoints: held }) =>
    held.filter((c) => c.seq >= from && c.seq <= to).map((c) => ({ where, c })),
  );
  const outsideAt = new Map<number, { where: string; c: SignedCheckpoint }[]>();
  for (const o of outside) outsideAt.set(o.c.seq, [...(outsideAt.get(o.c.seq) ?? []), o]);

  const report: VerifyReport = { ok: true, entries: 0, checkpoints: 0 };
  const fail = (seq: number, kind: ProblemKind, message: string): VerifyReport => ({
    ...report,
    ok: false,
    problem: { seq, kind, message },
  });

  const checkCheckpoint = (c: AuditCheckpointTable, hash: string): VerifyReport | undefined => {
    const key = keyById.get(c.key_id);
    if (!key)
      return fail(c.seq, 'checkpoint-key', `Point de contrôle n° ${c.seq} : clé de signature inconnue (${c.key_id}).`);
    if (!verifySignature(key, checkpointPayload(c), c.signature)) {
      return fail(
        c.seq,
        'checkpoint-signature',
        `Point de contrôle n° ${c.seq} : signature invalide (point de contrôle falsifié).`,
      );
    }
    if (c.hash !== hash) {
      return fail(
        c.seq,
        'checkpoint-hash',
        `Point de contrôle n° ${c.seq} : la tête de chaîne signée ne correspond pas à l'entrée n° ${c.seq} (journal réécrit).`,
      );
    }
    report.checkpoints++;
    report.lastCheckpoint = c.seq;
    return undefined;
  };

  // The link into the range: the hash of the entry before it, or the genesis value.
  let expected = from;
  let previous = from === 1 ? GENESIS : (await entryAt(db, from - 1))?.hash;

  for (;;) {
    const rows = await entriesBetween(db, expected, to, BATCH);
    for (const row of rows) {
      if (row.seq !== expected) {
        return fail(
          expected,
          'gap',
          `Entrée n° ${expected} manquante : la suivante est la n° ${row.seq} (suppression).`,
        );
      }
      if (previous !== undefined && row.prev_hash !== previous) {
        return fail(
          row.seq,
          'link',
          `Entrée n° ${row.seq} : son lien ne correspond pas à l'entrée précédente (suppression, insertion ou réordonnancement).`,
        );
      }
      const { hash, ...fields } = row;
      if (entryHash(fields) !== hash || !isCanonical(row.resource)) {
        return fail(row.seq, 'hash', `Entrée n° ${row.seq} : contenu modifié (l'empreinte ne correspond plus).`);
      }
      const checkpoint = checkpointAt.get(row.seq);
      const broken = checkpoint && checkCheckpoint(checkpoint, hash);
      if (broken) return broken;
      for (const { where, c } of outsideAt.get(row.seq) ?? []) {
        if (!signedBy(c, keys)) {
          return fail(
            c.seq,
            'checkpoint-signature',
            `Point de contrôle n° ${c.seq} de ${where} : signature invalide ou clé non reconnue.`,
          );
        }
        if (c.hash !== hash) {
          return fail(
            c.seq,
            'checkpoint-hash',
            `Entrée n° ${c.seq} : différente du point de contrôle publié dans ${where} (journal réécrit).`,
          );
        }
        report.lastCheckpoint = Math.max(report.lastCheckpoint ?? 0, c.seq);
      }
      report.entries++;
      report.first ??= row.seq;
      report.last = row.seq;
      report.headHash = hash;
      previous = hash;
      expected = row.seq + 1;
    }
    if (rows.length < BATCH) break;
  }

  const beyond = checkpoints.find((c) => c.seq >= expected);
  if (beyond) {
    return fail(
      expected,
      'truncated',
      `Journal tronqué : le point de contrôle signé n° ${beyond.seq} couvre des entrées absentes (dernière présente : n° ${expected - 1}).`,
    );
  }
  const beyondOutside = outside.find(({ c }) => c.seq >= expected);
  if (beyondOutside) {
    return fail(
      expected,
      'truncated',
      `Journal tronqué : le point de contrôle n° ${beyondOutside.c.seq} publié dans ${beyondOutside.where} couvre des entrées absentes (dernière présente : n° ${expected - 1}).`,
    );
  }
  if (options.sealing && report.last !== undefined && report.last > (report.lastCheckpoint ?? 0)) {
    const firstUnsealed = await entryAt(db, (report.lastCheckpoint ?? 0) + 1);
    const age = firstUnsealed ? options.sealing.now.getTime() - Date.parse(firstUnsealed.recorded) : 0;
    if (!(age <= options.sealing.maxUnsealedMs)) {
      const minutes = Math.round(age / 60_000);
      return fail(
        (report.lastCheckpoint ?? 0) + 1,
        'unsealed',
        `${report.last - (report.lastCheckpoint ?? 0)} entrée(s) après le dernier point de contrôle, la première depuis ${minutes} min : ` +
          'plus que l’intervalle de scellement ne le permet (points de contrôle supprimés, ou plateforme arrêtée sans scellement).',
      );
    }
  }
  return report;
}
