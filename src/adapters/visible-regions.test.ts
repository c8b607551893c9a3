// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { visibleRegions } from './index.ts';
import { pageText } from './text.ts';

const page = (html: string) => {
  const doc = document.implementation.createHTMLDocument('');
  doc.body.innerHTML = html;
  return doc;
};

describe('where the visible reading happens (second pass of the content script)', () => {
  it('nowhere when nothing could be a patient or a share code', () => {
    const doc = page('<p>Bonjour, réunion mardi à 14 h, salle 12.</p>');
    expect(visibleRegions(pageText(doc.body), [doc.body])).toEqual([]);
  });

  it('the whole regions of a recognised site as soon as one INS-shaped number is there', () => {
    const doc = page('<header id="h">INS 1 84 12 69 123 045 31</header><div id="b">née le 03/12/1984</div>');
    const roots = [doc.getElementById('h')!, doc.getElementById('b')!];
    expect(visibleRegions(pageText(roots), roots, 'roundcube')).toEqual(roots);
  });

  it('on an unknown page far larger than a neighbourhood, the section holding the patient only', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `<article>Message ${i} de la liste</article>`).join('');
    const doc = page(`<section>${rows}</section><main id="m"><p>INS : 1 84 12 69 123 045 31</p></main>`);
    expect(visibleRegions(pageText(doc.body), [doc.body])).toEqual([doc.getElementById('m')]);
  });
});
