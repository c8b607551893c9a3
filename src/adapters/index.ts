/**
 * The adapters and sites this build knows. Sites are tried in order; the first that recognises the
 * page says which regions are read, else the whole body is. One adapter or site that throws does
 * not stop the others (refined-github's feature isolation).
 */
import type { DetectedPatient } from '../core/protocol.ts';
import { mergeReadings } from '../core/traits.ts';
import type { Adapter, Scope, Site } from './adapter.ts';
import { banner } from './detectors/banner/detect.ts';
import { generic } from './detectors/generic/detect.ts';
import { messageView } from './sites/message-view/site.ts';
import { outlook } from './sites/outlook/site.ts';
import { roundcube } from './sites/roundcube/site.ts';
import { table } from './detectors/table/detect.ts';
import { findCodes } from '../core/share-code.ts';
import { enclosingBlocks, pageText, type PageText } from './text.ts';
import { insLike } from './traits.ts';
import { zimbra } from './sites/zimbra/site.ts';

export const sites: readonly Site[] = [roundcube, zimbra, outlook, messageView];
export const adapters: readonly Adapter[] = [generic, table, banner];

type OnError = (id: string, error: unknown) => void;

/** Keeps the outermost of nested regions, so that no text is read twice. */
function outermost(regions: Element[]): Element[] {
  const unique = [...new Set(regions)];
  return unique.filter((r) => !unique.some((other) => other !== r && other.contains(r)));
}

/** Which parts of the page to read: the regions of the first site that recognises it, or the body. */
export function pageRegions(
  doc: Document,
  list: readonly Site[] = sites,
  onError: OnError = () => {},
): Omit<Scope, 'text'> {
  for (const site of list) {
    try {
      const regions = site.regions(doc);
      if (regions) return { site: site.id, roots: outermost(regions) };
    } catch (error) {
      onError(site.id, error);
    }
  }
  return { roots: doc.body ? [doc.body] : [] };
}

function key(p: DetectedPatient): string {
  return p.ins ? `ins:${p.ins.value}` : `name:${p.familyName ?? p.displayName ?? ''}|${p.birthDate ?? ''}`;
}

export interface DetectOptions {
  adapters?: readonly Adapter[];
  sites?: readonly Site[];
  onError?: OnError;
  /** The regions and their text, already read (in slices, by the content script). */
  scope?: Scope;
}

export function detectPatients(doc: Document, options: DetectOptions = {}): DetectedPatient[] {
  const { adapters: list = adapters, onError = () => {} } = options;
  let scope = options.scope;
  if (!scope) {
    const regions = pageRegions(doc, options.sites ?? sites, onError);
    scope = { ...regions, text: pageText(regions.roots) };
  }
  // Every reading of one INS (subject and body, banner and table…) makes one patient, merged: a
  // trait one reading shows completes the others; two that differ are a discordance in itself.
  const found = new Map<string, DetectedPatient>();
  for (const adapter of list) {
    try {
      for (const patient of adapter.detect(doc, scope)) {
        const k = key(patient);
        const earlier = found.get(k);
        found.set(k, earlier ? mergeReadings(earlier, patient) : patient);
      }
    } catch (error) {
      onError(adapter.id, error);
    }
  }
  return [...found.values()].slice(0, 50);
}

/** What a page shows: its patients and the imaging share codes written in it (valid check only). */
export interface PageFindings {
  site?: string;
  patients: DetectedPatient[];
  shareCodes: string[];
}

export function findingsOf(doc: Document, scope: Scope, options: Omit<DetectOptions, 'scope'> = {}): PageFindings {
  return {
    ...(scope.site ? { site: scope.site } : {}),
    patients: detectPatients(doc, { ...options, scope }),
    shareCodes: findCodes(scope.text.text),
  };
}

/** Text read on each side of a candidate, visibly: more than any detector reads around an INS. */
const NEIGHBOURHOOD = 3000;

/**
 * Where the visible reading must happen, from a first plain reading of the regions (cheap: no
 * style or layout): nowhere when the text holds nothing shaped like an INS or a share code (there
 * is nobody to find); else the subtrees around each candidate large enough to hold what the
 * detectors read around it; the whole regions when a share code may be anywhere. Only what these
 * subtrees show on screen is then read again, with the visibility test, and detected.
 */
export function visibleRegions(plain: PageText, roots: readonly Element[], site?: string): readonly Element[] {
  const candidates = insLike(plain);
  const codes = findCodes(plain.text).length > 0;
  if (candidates.length === 0 && !codes) return [];
  // A recognised site's regions are the open message or record already: read them all, visibly.
  if (codes || site !== undefined) return roots;
  const around = candidates.map(({ index }) => {
    const blocks = enclosingBlocks(plain, index, index + 1);
    const fit = blocks.find((b) => b.end - b.start >= NEIGHBOURHOOD) ?? blocks.at(-1);
    // A whole page far larger than a neighbourhood: the largest section below it holds the patient.
    const below = blocks.filter((b) => b !== blocks.at(-1)).at(-1);
    return (fit === blocks.at(-1) && below && fit!.end - fit!.start > 10 * NEIGHBOURHOOD ? below : fit)?.el;
  });
  const unique = [...new Set(around.filter((el): el is Element => el !== undefined))];
  return unique.filter((el) => !unique.some((other) => other !== el && other.contains(el)));
}

/** The whole page read at once (the corpus test, the bench); the content script reads in slices. */
export function scanPage(doc: Document, options: Omit<DetectOptions, 'scope'> = {}): PageFindings {
  const regions = pageRegions(doc, options.sites ?? sites, options.onError);
  const plain = pageText(regions.roots, { visibleOnly: false });
  const roots = visibleRegions(plain, regions.roots, regions.site);
  return findingsOf(doc, { ...regions, roots, text: pageText(roots) }, options);
}
