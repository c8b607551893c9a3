/** Reading the audit log (writing is `server/audit/log.ts`'s alone). Newest first. */
import type { Db } from './database.ts';

export interface AuditFilter {
  patientId?: string;
  agentIdnps?: string;
  kinds?: readonly string[];
  /** ISO instants: `recorded >= from`, `recorded < to`. */
  from?: string;
  to?: string;
  outcome?: string;
  mode?: string;
  limit: number;
}

export async function searchAuditEvents(db: Db, f: AuditFilter): Promise<string[]> {
  let query = db.selectFrom('audit_event').select('resource');
  if (f.patientId) query = query.where('patient_id', '=', f.patientId);
  if (f.agentIdnps) query = query.where('agent_idnps', '=', f.agentIdnps);
  if (f.kinds) query = query.where('kind', 'in', f.kinds.length > 0 ? [...f.kinds] : ['']);
  if (f.from) query = query.where('recorded', '>=', f.from);
  if (f.to) query = query.where('recorded', '<', f.to);
  if (f.outcome) query = query.where('outcome', '=', f.outcome);
  if (f.mode) query = query.where('mode', '=', f.mode);
  const rows = await query.orderBy('seq', 'desc').limit(f.limit).execute();
  return rows.map((r) => r.resource);
}

/** A patient's entries of these kinds, newest first: their access history. */
export const patientEntries = (db: Db, patientId: string, kinds: readonly string[], limit: number) =>
  db
    .selectFrom('audit_event')
    .select(['recorded', 'kind', 'mode', 'resource'])
    .where('patient_id', '=', patientId)
    .where('kind', 'in', [...kinds, ''])
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
