/** `GET /fhir/metadata`: what this FHIR server supports, so that integrators need not guess. */
import type { App } from '../deps.ts';

export function metadataRoutes(app: App): void {
  app.get('/fhir/metadata', { config: { public: true } }, async (_req, reply) =>
    reply.type('application/fhir+json').send({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-11-23',
      kind: 'instance',
      software: { name: 'Passerelle reference platform', version: '0.1.0' },
      fhirVersion: '4.0.1',
      format: ['application/fhir+json'],
      rest: [
        {
          mode: 'server',
          resource: [
            {
              type: 'Patient',
              profile: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-ins',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: [{ name: 'identifier', type: 'token', documentation: 'INS only: [system|]value' }],
            },
          ],
        },
      ],
    }),
  );
}
