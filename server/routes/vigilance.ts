/**
 * `POST /fhir/Patient/{id}/$confirm-identity`: a professional confirms that the patient on their
 * page is this INS's patient although some strict traits differ (issue 4, identity vigilance).
 * The confirmation is an audited act of its own, written before the answer; the differing traits
 * are named in the entry, the page's values are not kept (they are the page's, not ours).
 *
 * Body: a FHIR `Parameters` with one `trait` (valueCode `birthName` | `givenName` | `birthDate` |
 * `sex`) per differing trait.
 */
import type { FastifyInstance } from 'fastify';
import { TRAITS, type Trait } from '../../src/core/traits.ts';
import { AUDIT_HEADER, recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { FhirError, operationOutcome } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import { findById } from '../storage/patients.ts';

function traitsOf(body: unknown): Trait[] {
  const parameters = (body as { resourceType?: unknown; parameter?: unknown } | null) ?? {};
  const list = Array.isArray(parameters.parameter) ? (parameters.parameter as unknown[]) : [];
  const traits = list.map((p) => {
    const { name, valueCode } = (p ?? {}) as { name?: unknown; valueCode?: unknown };
    return name === 'trait' && TRAITS.includes(valueCode as Trait) ? (valueCode as Trait) : undefined;
  });
  if (parameters.resourceType !== 'Parameters' || traits.length === 0 || traits.includes(undefined)) {
    throw new FhirError(400, {
      code: 'invalid',
      text: 'Confirmation invalide : indiquez les traits discordants.',
      diagnostics: `Parameters with one or more "trait" (valueCode one of ${TRAITS.join(', ')}) expected`,
    });
  }
  return [...new Set(traits as Trait[])];
}

export function vigilanceRoutes(app: FastifyInstance, db: Db, audit: AuditLog): void {
  app.post('/fhir/Patient/:id/$confirm-identity', async (req, reply) => {
    const { id } = req.params as { id: string };
    const traits = traitsOf(req.body);
    const row = await findById(db, id);
    if (!row) {
      throw new FhirError(404, { code: 'not-found', text: 'Patient inconnu.', diagnostics: 'Patient not found' });
    }
    const recorded = await recordOrRefuse(audit, {
      kind: 'identity-confirmation',
      actor: req.professional!,
      patientId: row.id,
      detail: { 'traits-discordants': traits.join(',') },
    });
    return reply
      .header(AUDIT_HEADER, recorded.id)
      .type('application/fhir+json')
      .send(
        operationOutcome([
          {
            severity: 'information',
            code: 'informational',
            text: 'Confirmation d’identité consignée au journal.',
            diagnostics: `traits: ${traits.join(',')}`,
          },
        ]),
      );
  });
}
