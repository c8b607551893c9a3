/**
 * The adapters this build knows, in order of preference: a site adapter before the generic one.
 * One adapter that throws does not stop the others (refined-github's feature isolation).
 */
import type { DetectedPatient } from '../core/protocol.ts';
import type { Adapter } from './adapter.ts';
import { generic } from './generic/detect.ts';

export const adapters: readonly Adapter[] = [generic];

function key(p: DetectedPatient): string {
  return p.ins ? `ins:${p.ins.value}` : `name:${p.familyName ?? p.displayName ?? ''}|${p.birthDate ?? ''}`;
}

export function detectPatients(
  doc: Document,
  list: readonly Adapter[] = adapters,
  onError: (adapter: string, error: unknown) => void = () => {},
): DetectedPatient[] {
  const found = new Map<string, DetectedPatient>();
  for (const adapter of list) {
    try {
      if (adapter.applies && !adapter.applies(doc.location ?? { hostname: '', pathname: '' })) continue;
      for (const patient of adapter.detect(doc)) {
        const k = key(patient);
        if (!found.has(k)) found.set(k, patient);
      }
    } catch (error) {
      onError(adapter.id, error);
    }
  }
  return [...found.values()].slice(0, 50);
}
