/**
 * The panel's view of a patient's care circle, from the platform's `CareTeam` searchset (the
 * CareTeam, then its members' PractitionerRole and Practitioner): the current members, with their
 * profession and MSSanté address. Joining and leaving carry an `Idempotency-Key` so that a request
 * sent twice (a retry, a replay from the outbox) changes the circle once.
 */
import { CareTeamMember, type CareTeamChange, type CareTeamResult } from '../core/protocol.ts';
import { MEDECIN_TRAITANT, PARTICIPATION_FUNCTION_SYSTEM } from '../core/care-team.ts';
import { FhirSearchBundle } from './fhir-answers.ts';
import { IDNPS_SYSTEM } from '../core/psc.ts';
import { callPlatform, segment, unavailable, type ClientOptions } from './platform-call.ts';

interface Resource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}
interface Participant {
  member?: { reference?: string; display?: string };
  role?: { coding?: { system?: string; code?: string; display?: string }[] }[];
  period?: { start?: string; end?: string };
}

/** Current members (no `period.end`), the signed-in professional marked. */
export function careTeamMembers(body: unknown, myIdNps: string | undefined): CareTeamResult {
  const bundle = FhirSearchBundle.safeParse(body);
  if (!bundle.success) return unavailable('bad-response');
  const resources = (bundle.data.entry ?? []).map((e) => e.resource as Resource);
  const byRef = new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const team = resources.find((r) => r.resourceType === 'CareTeam');
  if (!team) return unavailable('bad-response');
  const members: CareTeamMember[] = [];
  for (const p of (team.participant ?? []) as Participant[]) {
    if (p.period?.end || !p.member?.reference) continue;
    const role = byRef.get(p.member.reference) as
      { practitioner?: { reference?: string }; organization?: { display?: string } } | undefined;
    const practitioner = byRef.get(role?.practitioner?.reference ?? '') as
      | { identifier?: { system?: string; value?: string }[]; telecom?: { system?: string; value?: string }[] }
      | undefined;
    const idNps = practitioner?.identifier?.find((i) => i.system === IDNPS_SYSTEM)?.value;
    const parsed = CareTeamMember.safeParse({
      name: p.member.display,
      profession: p.role?.[0]?.coding?.[0]?.display,
      organization: role?.organization?.display,
      mt: p.role?.some((r) =>
        r.coding?.some((c) => c.system === PARTICIPATION_FUNCTION_SYSTEM && c.code === MEDECIN_TRAITANT),
      ),
      mssante: practitioner?.telecom?.find((t) => t.system === 'email')?.value,
      since: p.period?.start,
      me: idNps !== undefined && idNps === myIdNps,
    });
    if (parsed.success) members.push(parsed.data);
  }
  return { status: 'ok', members };
}

export interface CareTeamOptions extends ClientOptions {
  myIdNps: string | undefined;
}

export const readCareTeam = (patientId: string, options: CareTeamOptions): Promise<CareTeamResult> =>
  callPlatform(options, {
    path: '/fhir/CareTeam',
    query: { patient: patientId },
    read: (body) => careTeamMembers(body, options.myIdNps),
  });

/** Joins or leaves; `key` is the request's idempotency key, the same for every retry of it. */
export const changeCareTeam = (
  change: CareTeamChange,
  patientId: string,
  key: string,
  options: CareTeamOptions,
): Promise<CareTeamResult> =>
  callPlatform(options, {
    path: `/fhir/Patient/${segment(patientId)}/$care-team-${change === 'leave' ? 'leave' : 'join'}`,
    method: 'POST',
    headers: { 'idempotency-key': key },
    ...(change === 'join-mt'
      ? { body: { resourceType: 'Parameters', parameter: [{ name: 'role', valueCode: MEDECIN_TRAITANT }] } }
      : {}),
    read: (body) => careTeamMembers(body, options.myIdNps),
  });
