/**
 * What the sign-in tests share (`server/identity/*.test.ts`): the development physician's
 * account, the call the extension makes first, and what the audit log says of sessions ending.
 */
import type { SignInPlatform } from './platform.ts';

/** The development provider's physician (Dr Julien MOREAU). */
export const PHYSICIAN = 'f:passerelle-dev:physician';

/** `$me` with the signed-in session and a fresh proof, as the extension calls it. */
export const me = (signedIn: { call(path: string): Promise<Response> }) => signedIn.call('/fhir/Practitioner/$me');

/** The audit log's entries of sessions ending: their kind, FHIR outcome and words. */
export async function sessionEnds(p: { db: SignInPlatform['db'] }) {
  const rows = await p.db
    .selectFrom('audit_event')
    .select(['kind', 'resource'])
    .where('kind', 'in', ['login', 'logout'])
    .orderBy('seq')
    .execute();
  return rows
    .map((r) => ({ kind: r.kind, ...(JSON.parse(r.resource) as { outcome: string; outcomeDesc?: string }) }))
    .filter((e) => e.outcomeDesc)
    .map(({ kind, outcome, outcomeDesc }) => ({ kind, outcome, outcomeDesc }));
}
