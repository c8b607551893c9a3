/**
 * Signed checkpoints published **outside the database** (issue 16), in the manner of Certificate
 * Transparency's signed tree heads: each checkpoint the platform signs is also appended (and
 * synced to disk) to a file of JSON lines, `AUDIT_CHECKPOINT_FILE` (by default
 * `DATA_DIR/audit-checkpoints.jsonl`; in production, another volume or write-once storage), served
 * at `GET /.well-known/audit-checkpoint` for witnesses (`npm run audit:witness`), who keep copies
 * elsewhere. Whoever can rewrite the database cannot take back what a witness holds:
 * `npm run audit:verify` fails unless the log contains and extends every checkpoint it is given.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { JWK } from 'jose';
import { z } from 'zod';
import type { AuditCheckpointTable } from '../storage/schema.ts';
import { checkpointPayload } from './chain.ts';
import { verifySignature } from './signer.ts';

export const SignedCheckpoint = z.strictObject({
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.string().max(40),
  keyId: z.string().min(1).max(100),
  signature: z.string().min(1).max(200),
});
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

export const toSigned = (row: AuditCheckpointTable): SignedCheckpoint => ({
  seq: row.seq,
  hash: row.hash,
  signedAt: row.signed_at,
  keyId: row.key_id,
  signature: row.signature,
});

/** Whether one of these keys signed this checkpoint. */
export function signedBy(checkpoint: SignedCheckpoint, keys: readonly JWK[]): boolean {
  const key = keys.find((k) => k.kid === checkpoint.keyId);
  const payload = checkpointPayload({
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    signed_at: checkpoint.signedAt,
    key_id: checkpoint.keyId,
  });
  return key !== undefined && verifySignature(key, payload, checkpoint.signature);
}

/** Where published checkpoints go: a file, or (tests, `:memory:` platforms) a list in memory. */
export interface CheckpointStore {
  /** Every checkpoint held, oldest first; a line that does not parse is an error, not skipped. */
  all(): SignedCheckpoint[];
  last(): SignedCheckpoint | undefined;
  append(checkpoint: SignedCheckpoint): void;
  /** Whether the store existed before this process (a missing file is not an empty one). */
  readonly existed: boolean;
  readonly where: string;
}

export class CheckpointFileError extends Error {}

export function checkpointFile(path: string): CheckpointStore {
  const existed = existsSync(path);
  const all = () => {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          json = undefined;
        }
        const parsed = SignedCheckpoint.safeParse(json);
        if (!parsed.success) throw new CheckpointFileError(`${path}: line ${i + 1} is not a signed checkpoint`);
        return parsed.data;
      });
  };
  return {
    existed,
    where: path,
    all,
    last: () => all().at(-1),
    append(checkpoint) {
      // Appended and synced before the checkpoint counts as published.
      const fd = openSync(path, 'a', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(SignedCheckpoint.parse(checkpoint))}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function memoryCheckpoints(): CheckpointStore {
  const held: SignedCheckpoint[] = [];
  return {
    existed: false,
    where: '(memory)',
    all: () => [...held],
    last: () => held.at(-1),
    append: (checkpoint) => void held.push(checkpoint),
  };
}
