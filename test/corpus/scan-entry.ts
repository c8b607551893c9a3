/**
 * What the corpus test injects into each saved page: the content script's own reading
 * (`scanPage`: the recognised site's regions, visible text only, every detector, readings of one
 * INS merged, share codes), built as one script by `corpus.ts`.
 */
import { scanPage } from '../../src/adapters/index.ts';

(globalThis as { passerelleScan?: () => unknown }).passerelleScan = () => scanPage(document);
