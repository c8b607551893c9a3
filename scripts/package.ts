/**
 * `npm run package`: store-ready zips in dist/packages — the Chrome Web Store's (the development
 * `key` dropped: the store assigns the published id), AMO's, and the source archive AMO asks for
 * when the code is bundled (every file under version control; how to build it: docs/publishing.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

function files(dir: string, root = dir, out: Record<string, Uint8Array> = {}) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, root, out);
    else out[relative(root, path).split('\\').join('/')] = readFileSync(path);
  }
  return out;
}

mkdirSync('dist/packages', { recursive: true });
for (const target of ['chrome', 'firefox']) {
  const dir = `dist/${target}`;
  const entries = files(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  delete manifest.key;
  entries['manifest.json'] = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  const out = `dist/packages/passerelle-${target}-${version}.zip`;
  writeFileSync(out, zipSync(entries, { level: 9 }));
  console.log(`${out} (${Object.keys(entries).length} files)`);
}

// The sources, as versioned: what a reviewer rebuilds `dist/firefox` from (docs/publishing.md).
const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
const sources = Object.fromEntries(tracked.map((path) => [`passerelle-${version}/${path}`, readFileSync(path)]));
const out = `dist/packages/passerelle-source-${version}.zip`;
writeFileSync(out, zipSync(sources, { level: 9 }));
console.log(`${out} (${tracked.length} files)`);
