/**
 * zod as every schema of the extension uses it, configured before any schema is built: MV3
 * extension pages and workers forbid `eval`, so zod's code-generating fast path is switched off
 * here (`jitless`), once, in the module every schema module imports instead of `zod` itself.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
