/**
 * The audit chain's arithmetic, pure: each entry's hash covers the previous hash and the RFC 8785
 * canonical form of everything stored for the entry, so changing any byte of any column, deleting
 * or reordering entries breaks every following link. Checkpoints sign the head (seq, hash).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditCheckpointTable, AuditEventTable } from '../storage/schema.ts';

/** The `prev_hash` of entry 1. */
export const GENESIS = '0'.repeat(64);

/** RFC 8785 JSON Canonicalization Scheme (the `canonicalize` package, by the RFC's author). */
export function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}

export type EntryFields = Omit<AuditEventTable, 'hash'>;

/**
 * SHA-256 (hex) over the previous hash, the canonical form of the entry's columns, and the event
 * as stored — itself canonical JSON (`isCanonical`), so any verifier can rebuild the same bytes.
 */
export function entryHash(entry: EntryFields): string {
  const { prev_hash, resource, ...columns } = entry;
  return createHash('sha256')
    .update(`${prev_hash}\n${canonical(columns)}\n${resource}`)
    .digest('hex');
}

/** Whether stored JSON is in RFC 8785 form (the write path stores nothing else). */
export function isCanonical(json: string): boolean {
  try {
    return canonical(JSON.parse(json)) === json;
  } catch {
    return false;
  }
}

/** The bytes a checkpoint signs. */
export function checkpointPayload(c: Omit<AuditCheckpointTable, 'signature'>): Buffer {
  return Buffer.from(canonical({ seq: c.seq, hash: c.hash, signedAt: c.signed_at, keyId: c.key_id }));
}
