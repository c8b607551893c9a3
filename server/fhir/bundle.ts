/** FHIR R4 search answers: one `searchset` shape for every search route. */
import type { FastifyRequest } from 'fastify';

export function searchBundle(resources: readonly unknown[], req: FastifyRequest) {
  return {
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    total: resources.length,
    link: [{ relation: 'self', url: `${req.protocol}://${req.host}${req.url}` }],
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' as const } })),
  };
}
