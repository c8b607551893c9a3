/** `GET /fhir/Patient?identifier=[system|]INS` and `GET /fhir/Patient/{id}`. */
import { z } from 'zod';
import { checkIns, INS_SYSTEMS, insKindOf } from '../../src/core/ins.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { toFhirPatient } from '../fhir/patient.ts';
import { AUDIT_HEADER, recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { findQualifiedByIns, patientOr404 } from '../storage/patients.ts';
import { ById } from './input.ts';

const INS_REQUIRED = 'La recherche de patient se fait par INS.';
/** One `identifier` token; the INS itself is checked by `parseInsToken` (its key, its system). */
const SearchQuery = z.object({ identifier: z.string({ error: INS_REQUIRED }).min(1, INS_REQUIRED).max(200) });

/** FHIR token search `[system]|[code]`; only INS identifiers are searchable (data minimisation). */
export function parseInsToken(token: string): { system?: string; ins: string } {
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
export function patientRoutes(app: App, { db, audit }: Deps): void {
  app.get('/fhir/Patient', { schema: { querystring: SearchQuery } }, async (req, reply) => {
    const { system, ins } = parseInsToken(req.query.identifier);
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

  app.get('/fhir/Patient/:id', { schema: { params: ById } }, async (req, reply) => {
    const row = await patientOr404(db, req.params.id);
    const recorded = await recordOrRefuse(audit, { kind: 'patient-read', actor: req.professional!, patientId: row.id });
    return reply.header(AUDIT_HEADER, recorded.id).type('application/fhir+json').send(toFhirPatient(row));
  });
}
