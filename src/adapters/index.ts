/**
 * The adapters this build knows, in order of preference: a site adapter before the generic one.
 * One adapter that throws does not stop the others (refined-github's feature isolation).
 */
import type { DetectedPatient } from '../core/protocol.ts';
import type { Adapter } from './adapter.ts';
import type { PageText } from './text.ts';
import { generic } from './generic/detect.ts';

export const adapters: readonly Adapter[] = [generic];

function key(p: DetectedPatient): string {
  return p.ins ? `ins:${p.ins.value}` : `name:${p.familyName ?? p.displayName ?? ''}|${p.birthDate ?? ''}`;
}

export interface DetectOptions {
  adapters?: readonly Adapter[];
  onError?: (adapter: string, error: unknown) => void;
  /** The body's text, already read (in slices). */
  text?: PageText;
}

export function detectPatients(doc: Document, options: DetectOptions = {}): DetectedPatient[] {
  const { adapters: list = adapters, onError = () => {}, text } = options;
  const found = new Map<string, DetectedPatient>();
  for (const adapter of list) {
    try {
      if (adapter.applies && !adapter.applies(doc.location ?? { hostname: '', pathname: '' })) continue;
      for (const patient of adapter.detect(doc, text)) {
        const k = key(patient);
        if (!found.has(k)) found.set(k, patient);
      }
    } catch (error) {
      onError(adapter.id, error);
    }
  }
  return [...found.values()].slice(0, 50);
}
