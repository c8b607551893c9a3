import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';

const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);

it('every relative link of the README and the docs resolves inside the repository', () => {
  const broken: string[] = [];
  for (const file of tracked.filter((f) => f.endsWith('.md') && !f.startsWith('test/corpus/pages/'))) {
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:|^#/.test(target!)) continue;
      const path = join(dirname(file), target!.split('#')[0]!);
      if (!existsSync(path)) broken.push(`${file} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

it('every docs/… named in code exists, and nothing points outside the repository', () => {
  const outside: string[] = [];
  for (const file of tracked.filter((f) => /\.(ts|tsx|js|json|md)$/.test(f) && !f.startsWith('test/corpus/pages/'))) {
    const text = readFileSync(file, 'utf8');
    for (const [doc] of text.matchAll(/\bdocs\/[a-z-]+\.md\b/g)) if (!existsSync(doc)) outside.push(`${file} → ${doc}`);
    if (/\.\.\/shared\/|\b(DOMAIN|TOOLCHAIN|ARCHITECTURE)\.md\b/.test(text)) outside.push(`${file} → outside`);
  }
  expect(outside).toEqual([]);
});
