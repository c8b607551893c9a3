// @vitest-environment happy-dom
/**
 * Site adapters on saved pages of the webmails French hospitals and practices use (markup
 * reproduced from the software, see each fixture's header; synthetic people only). Each reads the
 * open message and never the message list beside it, whose previews name other patients.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { savedPage } from '../../../test/support/saved-page.ts';
import { DetectedPatients } from '../../core/protocol.ts';
import { detectPatients, pageRegions } from '../index.ts';

const page = (path: string) => savedPage(resolve(import.meta.dirname, path));

function detect(path: string) {
  const found = detectPatients(page(path));
  expect(DetectedPatients.safeParse(found).success).toBe(true);
  return found;
}

describe('Roundcube', () => {
  it('reads nothing in the three-pane list: the reading pane is a frame of its own', () => {
    const doc = page('./roundcube/fixtures/mail-list.html');
    expect(pageRegions(doc)).toEqual({ site: 'roundcube', roots: [] });
    // The list names another patient with an INS in a subject: never read.
    expect(detect('./roundcube/fixtures/mail-list.html')).toEqual([]);
  });

  it('reads the patient of the message in the preview frame', () => {
    expect(detect('./roundcube/fixtures/message-preview.html')).toEqual([
      {
        source: 'roundcube',
        ins: { status: 'valid', value: '279021305512348' },
        familyName: 'GIRARD',
        givenNames: 'Sophie',
        birthDate: '1979-02-13',
        sex: 'female',
      },
    ]);
  });
});

describe('Zimbra', () => {
  it('reads the open plain-text message, not the list previews', () => {
    expect(detect('./zimbra/fixtures/message-view.html')).toEqual([
      {
        source: 'zimbra',
        ins: { status: 'valid', value: '290066912321008' },
        familyName: 'ROUX',
        givenNames: 'Camille',
        birthDate: '1990-06-06',
        sex: 'female',
      },
    ]);
  });

  it('reads an HTML message in its body frame, from a table with a header row', () => {
    expect(detect('./zimbra/fixtures/body-frame.html')).toEqual([
      {
        source: 'zimbra',
        ins: { status: 'valid', value: '158037511234559' },
        familyName: 'MARTIN',
        givenNames: 'Louis André',
        birthDate: '1958-03-12',
      },
    ]);
  });
});

describe('Outlook on the web', () => {
  it('reads the message in the reading pane, not the previews in the list', () => {
    expect(detect('./outlook/fixtures/reading-pane.html')).toEqual([
      {
        source: 'outlook',
        ins: { status: 'valid', value: '158037511234559' },
        familyName: 'MARTIN',
        givenNames: 'Louis',
        birthDate: '1958-03-12',
        sex: 'male',
      },
    ]);
  });

  it('reads nothing while no message is open', () => {
    const doc = page('./outlook/fixtures/reading-pane.html');
    doc.getElementById('ReadingPaneContainerId')!.remove();
    expect(pageRegions(doc)).toEqual({ site: 'outlook', roots: [] });
    expect(detectPatients(doc)).toEqual([]);
  });
});

describe('generic message view', () => {
  it('reads only the region marked as the message on an unknown webmail', () => {
    const doc = page('../../../demo/pages/webmail.html');
    const { site, roots } = pageRegions(doc);
    expect(site).toBe('message-view');
    expect(roots.map((r) => r.tagName)).toEqual(['MAIN']);
  });

  it('reads the whole page when no site recognises it', () => {
    const doc = page('../../../demo/pages/dpi.html');
    expect(pageRegions(doc)).toEqual({ roots: [doc.body] });
  });
});

describe('site isolation', () => {
  it('a site that throws does not stop detection: the next one, or the whole page, is read', () => {
    const errors: string[] = [];
    const broken = {
      id: 'broken',
      regions: () => {
        throw new Error('boom');
      },
    };
    const found = detectPatients(page('../../../demo/pages/dpi.html'), {
      sites: [broken],
      onError: (id) => errors.push(id),
    });
    expect(errors).toEqual(['broken']);
    expect(found.map((p) => p.ins?.value)).toEqual(['184126912304531']);
  });
});
