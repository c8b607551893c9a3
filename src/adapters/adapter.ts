import type { DetectedPatient } from '../core/protocol.ts';
import type { PageText } from './text.ts';

/**
 * A host family (a webmail, a DPI). `detect` is pure: it reads the document and returns what it
 * found, it never writes to the page. Adapters register in `src/adapters/index.ts`.
 */
export interface Adapter {
  readonly id: string;
  /** Cheap check on the page's location before `detect` runs; absent means "any page". */
  applies?(location: Pick<Location, 'hostname' | 'pathname'>): boolean;
  /** `text`: the body's text when the caller already read it (in slices, `src/content/content-script.ts`). */
  detect(doc: Document, text?: PageText): DetectedPatient[];
}
