import type { DetectedPatient } from '../core/protocol.ts';
import type { PageText } from './text.ts';

/**
 * What an adapter reads: the page's regions that matter (a known webmail's open message, or the
 * whole body when the software is not recognised) and their text, read once (in slices, by the
 * content script) and shared by every adapter.
 */
export interface Scope {
  /** The recognised software (`roundcube`, `outlook`…), if any. */
  site?: string;
  roots: readonly Element[];
  text: PageText;
}

/**
 * A way of finding patients (labelled text, a banner's layout, configured selectors). `detect` is
 * pure: it reads, never writes to the page. Adapters register in `src/adapters/index.ts`.
 */
export interface Adapter {
  readonly id: string;
  detect(doc: Document, scope: Scope): DetectedPatient[];
}

/**
 * A host family recognised from its markup (a hospital installs the same webmail under any
 * address): where it shows a patient. On its pages only those regions are read.
 */
export interface Site {
  readonly id: string;
  /**
   * The regions that hold the open message or record, or `undefined` when the page is not this
   * software's. An empty list means "this software, nothing to read here" (a message list whose
   * reading pane is a frame of its own, read by the content script of that frame).
   */
  regions(doc: Document): Element[] | undefined;
}
