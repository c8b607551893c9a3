/**
 * Ids of new rows (audit entries, participations, sessions, notifications, messages): time-ordered
 * UUIDs (v7). A new id lands at the end of its index, as a sequence number would, not on a random
 * page of it: fewer pages written at each commit, which is what a commit costs on this disk
 * (BENCHMARKS.md, session 9). They are not secrets: every use is authorised on its own.
 *
 * Their random part is taken from a pool filled 256 ids at a time, as Node's own `randomUUID`
 * does: asking the system for 16 bytes per id was 2 % of the platform's time in a declaration
 * (BENCHMARKS.md, session 16). Ids made in the same millisecond are ordered by their random part.
 */
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const pool = new Uint8Array(16 * 256);
let used = pool.length;

function random(): Uint8Array {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool.subarray(used, (used += 16));
}

export const newId = (): string => v7({ random: random() });
