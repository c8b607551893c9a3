/**
 * Reading the audit log, itself audited:
 *   - `GET /fhir/AuditEvent?patient=&agent=&type=&subtype=&date=&outcome=&access-mode=&_count=`:
 *     audit readers (`AUDIT_READERS`: security officer, DPO) see everything; any other
 *     professional sees only their own actions;
 *   - `GET /fhir/Patient/{id}/$access-history`: who opened this patient's data, when, in which
 *     mode — the API of the later patient-facing and review views (readers only for now);
 *   - `GET /.well-known/audit-keys`: the public keys that sign checkpoints (JWKS), for verifiers;
 *   - `GET /.well-known/audit-checkpoint`: the newest signed checkpoint, for witnesses.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordOrRefuse } from '../audit/log.ts';
import { ACCESS_MODES, KINDS, OUTCOMES, type AuditKind } from '../audit/events.ts';
import type { App, Deps } from '../deps.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { searchAuditEvents, type AuditFilter } from '../storage/audit-events.ts';
import { ById, PatientReference, repeatable } from './input.ts';

/** What counts as "opening" a patient's data, for their access history. */
const ACCESS_KINDS: AuditKind[] = ['patient-search', 'patient-read', 'break-glass-start', 'break-glass-end'];

const parsed = (stored: string[]) => stored.map((r) => JSON.parse(r) as unknown);

const invalid = (text: string, diagnostics: string) => new FhirError(400, { code: 'invalid', text, diagnostics });

const token = z.string().min(1).max(200);

/** `GET /fhir/AuditEvent`'s search parameters (others are ignored, as FHIR servers do). */
const AuditQuery = z.object({
  patient: PatientReference.optional(),
  agent: token.optional(),
  'agent:identifier': token.optional(),
  type: repeatable(token).optional(),
  subtype: repeatable(token).optional(),
  date: repeatable(z.string().max(40)).optional(),
  outcome: z.enum(OUTCOMES, { error: 'Issue de recherche invalide.' }).optional(),
  'access-mode': z.enum(ACCESS_MODES, { error: 'Mode d’accès invalide.' }).optional(),
  _count: z.coerce
    .number({ error: 'Nombre de résultats invalide.' })
    .int('Nombre de résultats invalide.')
    .min(1, 'Nombre de résultats invalide.')
    .default(50),
});
type AuditQuery = z.output<typeof AuditQuery>;

/** `date=[ge|gt|le|lt|eq]YYYY-MM-DD[Thh:mm:ss[.sss]Z]`, possibly twice, to a half-open interval. */
export function dateRange(values: string[]): { from?: string; to?: string } {
  let from: string | undefined;
  let to: string | undefined;
  for (const value of values) {
    const m = /^(ge|gt|le|lt|eq)?(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/.exec(value);
    if (!m) throw invalid('Date de recherche invalide.', `date must be [prefix]YYYY-MM-DD[Thh:mm[:ss]Z], got ${value}`);
    const prefix = m[1] ?? 'eq';
    const start = new Date(`${m[2]}${m[3] ?? 'T00:00:00Z'}`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== m[2])
      throw invalid('Date de recherche invalide.', `no such date: ${value}`);
    // A date alone is a whole day; an instant is that instant.
    const end = new Date(start.getTime() + (m[3] ? 1 : 86_400_000));
    if (prefix === 'ge' || prefix === 'eq') from = start.toISOString();
    if (prefix === 'gt') from = end.toISOString();
    if (prefix === 'lt') to = start.toISOString();
    if (prefix === 'le' || prefix === 'eq') to = end.toISOString();
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** Kinds whose type or subtype has this code (`rest`, `110113`, `read`…), or the kind's own name. */
function kindsFor(token: string): AuditKind[] {
  const code = token.includes('|') ? token.slice(token.indexOf('|') + 1) : token;
  return (Object.keys(KINDS) as AuditKind[]).filter(
    (k) => k === code || KINDS[k].type.code === code || KINDS[k].subtype.code === code,
  );
}

function filterFrom(query: AuditQuery): AuditFilter {
  const agent = query.agent ?? query['agent:identifier'];
  const types = [...(query.type ?? []), ...(query.subtype ?? [])];
  const mode = query['access-mode'];
  return {
    limit: Math.min(query._count, 200),
    ...(query.patient ? { patientId: query.patient } : {}),
    ...(agent ? { agentIdnps: agent.slice(agent.indexOf('|') + 1) } : {}),
    ...(types.length > 0 ? { kinds: types.flatMap(kindsFor) } : {}),
    ...dateRange(query.date ?? []),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(mode ? { mode } : {}),
  };
}

export function auditRoutes(app: App, { db, audit, config }: Deps): void {
  const isReader = (req: FastifyRequest) => config.audit.readers.includes(req.professional!.idNps);

  // Staff without a health profession reach these routes too: audit readers see all, others their own.
  const staff = { config: { staff: true } };

  app.get('/fhir/AuditEvent', { ...staff, schema: { querystring: AuditQuery } }, async (req, reply) => {
    const filter = filterFrom(req.query);
    const me = req.professional!.idNps;
    if (!isReader(req)) {
      if (filter.agentIdnps && filter.agentIdnps !== me) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Vous ne pouvez consulter que la trace de vos propres actions.',
          diagnostics: 'agent must be yourself unless you are an audit reader (AUDIT_READERS)',
        });
      }
      filter.agentIdnps = me;
    }
    await recordOrRefuse(audit, {
      kind: 'audit-search',
      actor: req.professional!,
      ...(filter.patientId ? { patientId: filter.patientId } : {}),
      query: new URL(req.url, 'http://x').search.slice(1),
    });
    return reply.type('application/fhir+json').send(searchBundle(parsed(await searchAuditEvents(db, filter)), req));
  });

  app.get('/fhir/Patient/:id/$access-history', { ...staff, schema: { params: ById } }, async (req, reply) => {
    if (!isReader(req)) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'L’historique des accès est réservé au patient et aux responsables de la sécurité.',
        diagnostics: 'audit readers only (AUDIT_READERS)',
      });
    }
    const { id } = req.params;
    await recordOrRefuse(audit, {
      kind: 'audit-search',
      actor: req.professional!,
      patientId: id,
      query: '$access-history',
    });
    const resources = await searchAuditEvents(db, { patientId: id, kinds: ACCESS_KINDS, limit: 500 });
    return reply.type('application/fhir+json').send(searchBundle(parsed(resources), req));
  });

  app.get('/.well-known/audit-keys', { config: { public: true } }, async () => ({ keys: await audit.publicKeys() }));

  /** The newest signed checkpoint, for witnesses (`npm run audit:witness`); 404 before the first. */
  app.get('/.well-known/audit-checkpoint', { config: { public: true } }, async (_req, reply) => {
    const last = audit.lastCheckpoint();
    if (!last) throw new FhirError(404, { code: 'not-found', text: 'Aucun point de contrôle publié pour l’instant.' });
    return reply.header('cache-control', 'no-store').send(last);
  });
}
