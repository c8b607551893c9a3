// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enclosingBlocks, pageText, TextWalker } from './text.ts';

function body(path: string): HTMLElement {
  const doc = document.implementation.createHTMLDocument('');
  doc.body.innerHTML = readFileSync(new URL(path, import.meta.url), 'utf8').replace(
    /<link[^>]*>|<script\b[^>]*\bsrc=[^>]*>\s*<\/script>/gi,
    '',
  );
  return doc.body;
}

describe('page text', () => {
  it('separates blocks by lines and cells by spaces, skips scripts and hidden parts', () => {
    const el = body('./detectors/generic/fixtures/no-patient.html');
    el.innerHTML =
      '<div>Patient : <b>DUPONT</b> Marie</div><table><tr><td>INS</td><td>2 55</td></tr></table>' +
      '<script>var secret = 1</script><p hidden>caché</p><p aria-hidden="true">caché</p>';
    const { text, blocks } = pageText(el);
    expect(text.replace(/\s+/g, ' ').trim()).toBe('Patient : DUPONT Marie INS 2 55');
    const at = text.indexOf('DUPONT');
    expect(text.slice(enclosingBlocks({ text, blocks }, at, at + 6)[0]!.start).startsWith('Patient')).toBe(true);
  });

  it('reads the same text and blocks when walked in many small slices', () => {
    const el = body('./detectors/generic/fixtures/ans-ig-patient-frpatient-exemple.html');
    el.insertAdjacentHTML('afterbegin', '<ul>' + '<li><b>Message</b> <i>n°</i> 1</li>'.repeat(1000) + '</ul>');
    const whole = pageText(el);
    const walker = new TextWalker(el);
    let slices = 0;
    while (!walker.step(() => false)) slices++;
    expect(slices).toBeGreaterThan(10);
    expect(walker.result()).toEqual(whole);
  });
});
