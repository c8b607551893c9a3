/**
 * Ids of new rows (audit entries, participations, sessions, notifications, messages): time-ordered
 * UUIDs (v7). A new id lands at the end of its index, as a sequence number would, not on a random
 * page of it: fewer pages written at each commit, which is what a commit costs on this disk
 * (BENCHMARKS.md, session 9). They are not secrets: every use is authorised on its own.
 */
import { v7 } from 'uuid';

export const newId = (): string => v7();
