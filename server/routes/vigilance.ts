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
import { z } from 'zod';
import { Trait } from '../../src/core/protocol.ts';
import { TRAITS } from '../../src/core/traits.ts';
import { AUDIT_HEADER, recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { operationOutcome } from '../fhir/operation-outcome.ts';
import { parametersBody } from '../fhir/parameters.ts';
import { patientOr404 } from '../storage/patients.ts';
import { ById } from './input.ts';

const ConfirmParameters = z
  .strictObject({
    trait: z.array(Trait).max(TRAITS.length).default([]),
    unverified: z.array(Trait).max(TRAITS.length).default([]),
  })
  .refine((p) => p.trait.length + p.unverified.length > 0, { path: ['trait'] });

const INVALID = 'Confirmation invalide : indiquez les traits discordants ou non vérifiables.';
const ConfirmBody = parametersBody(ConfirmParameters, {
  repeating: ['trait', 'unverified'],
  messages: { trait: INVALID, unverified: INVALID },
}).transform((p) => ({ differing: [...new Set(p.trait)], unverified: [...new Set(p.unverified)] }));

export function vigilanceRoutes(app: App, { db, audit }: Deps): void {
  const schema = { params: ById, body: ConfirmBody };
  app.post('/fhir/Patient/:id/$confirm-identity', { schema }, async (req, reply) => {
    const { differing, unverified } = req.body;
    const row = await patientOr404(db, req.params.id);
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
