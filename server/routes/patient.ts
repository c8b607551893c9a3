/** `GET /fhir/Patient?identifier=[system|]INS` and `GET /fhir/Patient/{id}`. */
import type { FastifyInstance } from 'fastify';
import { checkIns, INS_SYSTEMS, insKindOf } from '../../src/core/ins.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { toFhirPatient } from '../fhir/patient.ts';
import { AUDIT_HEADER, recordOrRefuse, type AuditLog } from '../audit/log.ts';
import type { Db } from '../storage/database.ts';
import { findById, findQualifiedByIns } from '../storage/patients.ts';

/** FHIR token search `[system]|[code]`; only INS identifiers are searchable (data minimisation). */
export function parseInsToken(token: unknown): { system?: string; ins: string } {
  if (typeof token !== 'string' || token.length === 0) {
    throw new FhirError(400, {
      code: 'required',
      text: 'La recherche de patient se fait par INS.',
      diagnostics: 'identifier=[system|]value is required',
    });
  }
  const bar = token.indexOf('|');
  const system = bar >= 0 ? token.slice(0, bar) || undefined : undefined;
  const value = bar >= 0 ? token.slice(bar + 1) : token;
  if (system && !insKindOf(system)) {
    throw new FhirError(400, {
      code: 'not-supported',
      text: "Ce type d'identifiant n'est pas pris en charge : utilisez l'INS.",
      diagnostics: `identifier system must be one of ${INS_SYSTEMS.join(', ')}`,
    });
  }
  const check = checkIns(value);
  if (!check.ok) {
    throw new FhirError(400, {
      code: 'invalid',
      text: check.reason === 'key' ? "La clé de l'INS est invalide." : "Ce numéro n'a pas la forme d'un INS.",
      diagnostics: check.reason === 'key' ? 'INS key mismatch' : 'INS must be 13 characters and a 2-digit key',
    });
  }
  return system ? { system, ins: check.value } : { ins: check.value };
}

/** Every answer about a patient is audited first (`server/audit/log.ts`): no entry, no data. */
export function patientRoutes(app: FastifyInstance, db: Db, audit: AuditLog): void {
  app.get('/fhir/Patient', async (req, reply) => {
    const { identifier } = req.query as Record<string, unknown>;
    const { system, ins } = parseInsToken(Array.isArray(identifier) ? identifier[0] : identifier);
    const rows = await findQualifiedByIns(db, ins, system);
    const { id } = await recordOrRefuse(audit, {
      kind: 'patient-search',
      actor: req.professional!,
      ...(rows.length === 1 ? { patientId: rows[0]!.id } : {}),
      query: `identifier=${system ? `${system}|` : ''}${ins}`,
    });
    return reply
      .header(AUDIT_HEADER, id)
      .type('application/fhir+json')
      .send(searchBundle(rows.map(toFhirPatient), req));
  });

  app.get('/fhir/Patient/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const row = await findById(db, id);
    if (!row) {
      throw new FhirError(404, { code: 'not-found', text: 'Patient inconnu.', diagnostics: 'Patient not found' });
    }
    const recorded = await recordOrRefuse(audit, { kind: 'patient-read', actor: req.professional!, patientId: row.id });
    return reply.header(AUDIT_HEADER, recorded.id).type('application/fhir+json').send(toFhirPatient(row));
  });
}
