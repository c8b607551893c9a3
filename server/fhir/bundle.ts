/** FHIR R4 search answers: one `searchset` shape for every search route. */
import type { FastifyRequest } from 'fastify';

/** `matches` answer the search (and count in `total`); `included` are resources they reference. */
export function searchBundle(resources: readonly unknown[], req: FastifyRequest, included: readonly unknown[] = []) {
  return {
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    total: resources.length,
    link: [{ relation: 'self', url: `${req.protocol}://${req.host}${req.url}` }],
    entry: [
      ...resources.map((resource) => ({ resource, search: { mode: 'match' as const } })),
      ...included.map((resource) => ({ resource, search: { mode: 'include' as const } })),
    ],
  };
}
