/**
 * `GET /fhir/Practitioner/$me`: the platform's record of the signed-in professional, as it decides
 * from their token: a Bundle with the Practitioner and their PractitionerRoles. Audited as a login.
 */
import { FhirError } from '../fhir/operation-outcome.ts';
import { toFhirPractitioner, toFhirPractitionerRoles } from '../fhir/practitioner.ts';
import { recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { findPractitioner } from '../storage/practitioners.ts';

export function practitionerRoutes(app: App, { db, audit }: Deps): void {
  // The extension calls it right after sign-in: the platform's trace of the session opening.
  app.get('/fhir/Practitioner/$me', { config: { staff: true } }, async (req, reply) => {
    const record = await findPractitioner(db, req.professional!.idNps);
    if (!record) throw new FhirError(404, { code: 'not-found', text: 'Professionnel inconnu.' });
    await recordOrRefuse(audit, { kind: 'login', actor: req.professional! });
    const resources = [toFhirPractitioner(record), ...toFhirPractitionerRoles(record)];
    const base = `${req.protocol}://${req.host}/fhir`;
    return reply.type('application/fhir+json').send({
      resourceType: 'Bundle',
      type: 'collection',
      entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource })),
    });
  });
}
