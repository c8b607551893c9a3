/**
 * Patients on the platform: the lookup by INS, the session's opening, the identity confirmation.
 * Every call goes through `platform-call.ts`; answers are parsed and mapped to what the panel
 * needs.
 */
import { checkIns, insKindOf } from '../core/ins.ts';
import { PlatformPatient, type ConfirmResult, type LookupResult } from '../core/protocol.ts';
import { FhirOperationOutcome, FhirPatient, FhirSearchBundle } from './fhir-answers.ts';
import { callPlatform, segment, unavailable, type ClientOptions } from './platform-call.ts';
import type { Trait } from '../core/traits.ts';

export function toPlatformPatient(resource: FhirPatient): PlatformPatient | undefined {
  const identifier = resource.identifier?.find((i) => i.system && insKindOf(i.system) && i.value);
  const official = resource.name?.find((n) => n.use === 'official') ?? resource.name?.[0];
  const birthPlace = resource.extension?.find(
    (e) => e.url === 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
  )?.valueAddress as { extension?: { valueCoding?: { code?: string } }[] } | undefined;
  const parsed = PlatformPatient.safeParse({
    id: resource.id,
    ins: identifier?.value,
    insKind: identifier?.system ? insKindOf(identifier.system) : undefined,
    birthName: official?.family,
    givenNames: official?.given?.join(' '),
    birthDate: resource.birthDate,
    sex: resource.gender,
    birthPlace: birthPlace?.extension?.[0]?.valueCoding?.code,
  });
  return parsed.success ? parsed.data : undefined;
}

/** The `Patient` among a bundle's resources, as the panel and pages show it (undefined: none, or malformed). */
export function patientAmong(resources: readonly unknown[]): PlatformPatient | undefined {
  const found = FhirPatient.safeParse(
    resources.find((r) => (r as { resourceType?: unknown }).resourceType === 'Patient'),
  );
  return found.success ? toPlatformPatient(found.data) : undefined;
}

export async function lookupPatient(rawIns: string, options: ClientOptions): Promise<LookupResult> {
  const check = checkIns(rawIns);
  if (!check.ok) return { status: 'invalid-ins', reason: check.reason };
  return callPlatform(options, {
    path: '/fhir/Patient',
    query: { identifier: check.value },
    read: (body): LookupResult | undefined => {
      const bundle = FhirSearchBundle.safeParse(body);
      if (!bundle.success) return undefined;
      const patients = (bundle.data.entry ?? []).filter((e) => e.resource.resourceType === 'Patient');
      if (patients.length === 0) return { status: 'unknown' };
      // Two records for one INS is a duplicate identity: an identity-vigilance event, not a choice.
      if (patients.length > 1) return unavailable('bad-response', 'Plusieurs patients pour cet INS.');
      const resource = FhirPatient.safeParse(patients[0]!.resource);
      const patient = resource.success ? toPlatformPatient(resource.data) : undefined;
      return patient && { status: 'found', patient };
    },
  });
}

/**
 * Tells the platform a session has opened (`GET /fhir/Practitioner/$me`, audited as a login).
 * Best effort: a platform that cannot be reached now is asked again with the next action.
 */
export async function announceSession(options: ClientOptions): Promise<boolean> {
  const got = await callPlatform(options, { path: '/fhir/Practitioner/$me', read: () => ({ status: 'ok' as const }) });
  return got.status === 'ok';
}

/**
 * Records with the platform that the professional confirmed this patient although the page's
 * traits differ, or the page does not show enough of them to compare
 * (`POST /fhir/Patient/{id}/$confirm-identity`, audited). Only a recorded confirmation counts:
 * without the platform's acknowledgement, nothing is confirmed.
 */
export async function confirmIdentity(
  patientId: string,
  { traits, unverified }: { traits: readonly Trait[]; unverified: readonly Trait[] },
  options: ClientOptions & { now?: () => number },
): Promise<ConfirmResult> {
  return callPlatform(options, {
    path: `/fhir/Patient/${segment(patientId)}/$confirm-identity`,
    method: 'POST',
    body: {
      resourceType: 'Parameters',
      parameter: [
        ...traits.map((t) => ({ name: 'trait', valueCode: t })),
        ...unverified.map((t) => ({ name: 'unverified', valueCode: t })),
      ],
    },
    read: (body, headers): ConfirmResult | undefined =>
      FhirOperationOutcome.safeParse(body).success && headers.get('x-audit-event')
        ? {
            status: 'recorded',
            confirmation: { traits: [...traits], unverified: [...unverified], at: (options.now ?? Date.now)() },
          }
        : undefined,
  });
}
