/**
 * What the corpus test injects into each saved page: the content script's own reading
 * (`scanPage`: the recognised site's regions, visible text only, every detector, readings of one
 * INS merged, share codes), built as one script by `corpus.ts`; given banner profiles, the
 * configured detector first, as the content script does.
 */
import { configuredAdapter } from '../../src/adapters/detectors/configured/detect.ts';
import { adapters, scanPage } from '../../src/adapters/index.ts';
import type { DpiProfile } from '../../src/core/protocol.ts';

(globalThis as { passerelleScan?: (profiles?: DpiProfile[]) => unknown }).passerelleScan = (profiles) =>
  scanPage(document, { adapters: profiles ? [configuredAdapter(profiles), ...adapters] : adapters });
