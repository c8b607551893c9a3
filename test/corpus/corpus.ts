/**
 * The detection corpus: saved pages of real software and faithful reproductions, each with the
 * result a clinician reading it would expect (`<page>.json`): the patients (INS and every strict
 * trait printed — absent when not printed), the share codes. `expectedPages()` lists them;
 * `scanner()` reads a page in Chromium exactly as the content script does; `compare()` says what
 * was missed. README.md here says how the pages were made.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { Browser } from 'puppeteer-core';
import { DEMO_PATIENTS } from '../../server/demo/patients.ts';
import type { DetectedPatient, PlatformPatient } from '../../src/core/protocol.ts';
import { normalizeName, vigilance, type Verdict } from '../../src/core/traits.ts';

export const CORPUS = resolve(import.meta.dirname, 'pages');

export interface ExpectedPatient {
  ins: string;
  /** `wrong-key` when the page prints an INS whose key is wrong. */
  status?: 'valid' | 'wrong-key';
  traits: { birthName?: string; givenName?: string; birthDate?: string; sex?: 'female' | 'male' };
}

export interface Expected {
  /** Where the page comes from: `real` (captured from the software) or `reproduction`. */
  origin: 'real' | 'reproduction';
  software: string;
  /** What the page is an example of (the failure shape it pins). */
  shape: string;
  patients: ExpectedPatient[];
  shareCodes: string[];
}

export interface CorpusPage {
  family: string;
  name: string;
  file: string;
  expected: Expected;
}

export function expectedPages(): CorpusPage[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((family) =>
      readdirSync(join(CORPUS, family.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({
          family: family.name,
          name: f.replace(/\.json$/, ''),
          file: join(CORPUS, family.name, f.replace(/\.json$/, '.html')),
          expected: JSON.parse(readFileSync(join(CORPUS, family.name, f), 'utf8')) as Expected,
        })),
    );
}

/** The content script's reading as one script, injected into each page. */
export async function scanBundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: resolve(import.meta.dirname, 'scan-entry.ts'), formats: ['iife'], name: 'corpus' },
    },
  });
  const output = (Array.isArray(result) ? result[0] : result) as { output: { code?: string }[] };
  return output.output[0]!.code!;
}

export interface Findings {
  patients: DetectedPatient[];
  shareCodes: string[];
}

export function scanner(browser: Browser, bundle: string) {
  return async (file: string): Promise<Findings> => {
    const page = await browser.newPage();
    try {
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      // A page that fades in (jQuery Mobile) is read once the user can see it, as the content script would.
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      await page.addScriptTag({ content: bundle });
      return (await page.evaluate(() =>
        (globalThis as unknown as { passerelleScan: () => unknown }).passerelleScan(),
      )) as Findings;
    } finally {
      await page.close();
    }
  };
}

const firstWord = (s: string) => normalizeName(s).split(' ')[0] ?? '';

/** What a detected patient shows of one strict trait, normalised for comparison. */
function shown(p: DetectedPatient, trait: keyof ExpectedPatient['traits']): string | undefined {
  switch (trait) {
    case 'birthName':
      return p.familyName !== undefined ? normalizeName(p.familyName) : p.displayName && normalizeName(p.displayName);
    case 'givenName':
      return p.givenNames !== undefined ? firstWord(p.givenNames) : p.displayName && normalizeName(p.displayName);
    case 'birthDate':
      return p.birthDate;
    case 'sex':
      return p.sex;
  }
}

function matches(p: DetectedPatient, trait: keyof ExpectedPatient['traits'], value: string): boolean {
  const got = shown(p, trait);
  if (got === undefined) return false;
  if (trait === 'birthName')
    return p.familyName !== undefined
      ? got === normalizeName(value)
      : normalizeName(value)
          .split(' ')
          .every((w) => got.split(' ').includes(w));
  if (trait === 'givenName')
    return p.givenNames !== undefined ? got === firstWord(value) : got.split(' ').includes(firstWord(value));
  return got === value;
}

/** Everything the page prints that the reading missed or got wrong, and what it invented. */
export function compare(expected: Expected, found: Findings): string[] {
  const problems: string[] = [];
  for (const e of expected.patients) {
    const p = found.patients.find((f) => f.ins?.value === e.ins);
    if (!p) {
      problems.push(`INS ${e.ins} not found`);
      continue;
    }
    if ((e.status ?? 'valid') !== p.ins!.status)
      problems.push(`INS ${e.ins}: ${p.ins!.status}, expected ${e.status ?? 'valid'}`);
    for (const [trait, value] of Object.entries(e.traits) as [keyof ExpectedPatient['traits'], string][]) {
      if (!matches(p, trait, value))
        problems.push(`INS ${e.ins}: ${trait} ${JSON.stringify(shown(p, trait))}, printed ${JSON.stringify(value)}`);
    }
    for (const trait of ['birthDate', 'sex'] as const) {
      if (e.traits[trait] === undefined && p[trait] !== undefined)
        problems.push(`INS ${e.ins}: ${trait} read but not printed`);
    }
  }
  for (const p of found.patients) {
    if (!expected.patients.some((e) => e.ins === p.ins?.value))
      problems.push(`unexpected patient ${p.ins?.value ?? JSON.stringify(p)}`);
  }
  const codes = [...found.shareCodes].sort().join(',');
  if (
    codes !==
    [...expected.shareCodes]
      .map((c) => c.replace(/-/g, ''))
      .sort()
      .join(',')
  )
    problems.push(`share codes ${codes}`);
  return problems;
}

const platformByIns = new Map<string, PlatformPatient>(
  DEMO_PATIENTS.map((p) => [
    p.ins,
    {
      id: p.id,
      ins: p.ins,
      insKind: 'demo',
      birthName: p.birth_name,
      givenNames: p.given_names,
      birthDate: p.birth_date,
      sex: p.sex as 'female' | 'male',
    },
  ]),
);

/** The verdict the panel gives for a reading, against what the platform holds (demo patients). */
export function verdictOf(
  patient: Pick<DetectedPatient, 'familyName' | 'displayName' | 'givenNames' | 'birthDate' | 'sex' | 'conflicting'> & {
    ins?: DetectedPatient['ins'];
  },
): Verdict | undefined {
  const platform = patient.ins && platformByIns.get(patient.ins.value);
  return platform ? vigilance({ source: 'corpus', ...patient }, platform).verdict : undefined;
}

/** The reading the page deserves: its printed traits, as a detected patient. */
export function asPrinted(e: ExpectedPatient): DetectedPatient {
  return {
    source: 'corpus',
    ins: { status: 'valid', value: e.ins },
    ...(e.traits.birthName ? { familyName: e.traits.birthName } : {}),
    ...(e.traits.givenName ? { givenNames: e.traits.givenName } : {}),
    ...(e.traits.birthDate ? { birthDate: e.traits.birthDate } : {}),
    ...(e.traits.sex ? { sex: e.traits.sex } : {}),
  };
}
