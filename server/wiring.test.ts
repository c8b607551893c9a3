import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, it } from 'vitest';

/** Every module `entry` imports statically, transitively (dynamic `import()` is not followed). */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
      if (spec!.startsWith('.')) queue.push(resolve(dirname(file), spec!));
    }
  }
  return seen;
}

it('the production platform carries no demo code: server/demo is loaded with --demo only', () => {
  const loaded = [...staticImports('server/main.ts')].map((f) => f.slice(resolve('.').length + 1));
  expect(loaded).toContain('server/platform.ts');
  expect(loaded).toContain('server/routes/record.ts');
  expect(
    loaded.filter((f) => f.startsWith('server/demo/') || f.includes('dev-provider') || f.startsWith('test/')),
  ).toEqual([]);
  // …and the platform never reaches into the extension's own code, only the shared core.
  expect(loaded.filter((f) => f.startsWith('src/') && !f.startsWith('src/core/'))).toEqual([]);
});
