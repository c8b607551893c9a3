/**
 * `POST /fhir/Patient/{id}/$confirm-identity`: a professional confirms that the patient on their
 * page is this INS's patient although some strict traits differ (issue 4, identity vigilance).
 * The confirmation is an audited act of its own, written before the answer; the differing traits
 * are named in the entry, the page's values are not kept (they are the page's, not ours).
 *
 * Body: a FHIR `Parameters` with one `trait` (valueCode `birthName` | `givenName` | `birthDate` |
 * `sex`) per differing trait and one `unverified` per trait the page does not show (the
 * professional vouches for the patient without the page's help); at least one of them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Trait } from '../../src/core/protocol.ts';
import { TRAITS, type Trait as TraitCode } from '../../src/core/traits.ts';
import { readParameters } from '../fhir/parameters.ts';
import { AUDIT_HEADER, recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { FhirError, operationOutcome } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import { findById } from '../storage/patients.ts';

const ConfirmParameters = z
  .strictObject({
    trait: z.array(Trait).max(TRAITS.length).default([]),
    unverified: z.array(Trait).max(TRAITS.length).default([]),
  })
  .refine((p) => p.trait.length + p.unverified.length > 0, { path: ['trait'] });

function traitsOf(body: unknown): { differing: TraitCode[]; unverified: TraitCode[] } {
  const parsed = readParameters(body, ConfirmParameters, {
    repeating: ['trait', 'unverified'],
    messages: {
      trait: 'Confirmation invalide : indiquez les traits discordants ou non vérifiables.',
      unverified: 'Confirmation invalide : indiquez les traits discordants ou non vérifiables.',
    },
  });
  return { differing: [...new Set(parsed.trait)], unverified: [...new Set(parsed.unverified)] };
}

export function vigilanceRoutes(app: FastifyInstance, db: Db, audit: AuditLog): void {
  app.post('/fhir/Patient/:id/$confirm-identity', async (req, reply) => {
    const { id } = req.params as { id: string };
    const { differing, unverified } = traitsOf(req.body);
    const row = await findById(db, id);
    if (!row) {
      throw new FhirError(404, { code: 'not-found', text: 'Patient inconnu.', diagnostics: 'Patient not found' });
    }
    const recorded = await recordOrRefuse(audit, {
      kind: 'identity-confirmation',
      actor: req.professional!,
      patientId: row.id,
      detail: {
        ...(differing.length > 0 ? { 'traits-discordants': differing.join(',') } : {}),
        ...(unverified.length > 0 ? { 'traits-non-verifiables': unverified.join(',') } : {}),
      },
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
            diagnostics: `differing: ${differing.join(',') || '-'}; unverified: ${unverified.join(',') || '-'}`,
          },
        ]),
      );
  });
}
