import { describe, expect, it } from 'vitest';
import { PAGES, Request, Senders, type From, type RequestType } from '../core/protocol.ts';
import { createRouter, type Handlers, type Sender } from './router.ts';

const ID = 'lbicpfomifkfeafmbhcbedgfgjnhcnpi';
const ORIGIN = `chrome-extension://${ID}/`;
const patient = { source: 'generic', ins: { status: 'valid', value: '255081416802538' }, birthDate: '1955-08-14' };
const uuid = '0b6e6900-0000-4000-8000-000000000001';

/** One valid message of every type (the compiler checks none is missing). */
const SAMPLES = {
  'context.detected': { patients: [patient] },
  'profiles.forPage': {},
  'panel.tampered': { why: 'moved' },
  'context.get': {},
  'patient.lookup': { ins: '255081416802538' },
  'panel.close': {},
  'identity.confirm': { patientId: 'demo-lefevre', seen: patient, traits: ['sex'] },
  'intent.take': {},
  'careTeam.get': { patientId: 'demo-lefevre' },
  'careTeam.join': { patientId: 'demo-lefevre', seen: patient },
  'careTeam.leave': { patientId: 'demo-lefevre', seen: patient },
  'share.redeem': { code: '7KQ4-MZ2T-9XHC-W' },
  'share.exams': {},
  'record.summary': { patientId: 'demo-lefevre', seen: patient },
  'record.documents': { patientId: 'demo-lefevre' },
  'record.breakGlassPrepare': {
    patientId: 'demo-lefevre',
    seen: patient,
    mode: 'bris_de_glace',
    reason: 'urgence-vitale',
    text: 'Patient inconscient aux urgences',
  },
  'record.breakGlassEnd': { patientId: 'demo-lefevre' },
  'settings.get': {},
  'settings.set': {
    settings: { platformUrl: 'https://p.example', issuer: 'https://i.example', clientId: 'passerelle' },
  },
  'profiles.get': {},
  'profiles.set': { profiles: [] },
  'profiles.preview': { urlPrefix: 'https://dpi.example/', selectors: { ins: '#ins' } },
  'sites.get': {},
  'sites.set': { sites: ['https://webmail.chu.fr'] },
  'outbox.list': {},
  'outbox.dismiss': { key: 'key-0123456789' },
  'share.exam': { examId: 'exam-lefevre-ct' },
  'record.document': { patientId: 'demo-lefevre', documentId: 'demo-lefevre-doc-1' },
  'share.centreExams': {},
  'share.issue': { examId: 'exam-lefevre-ct', singleUse: false },
  'share.revoke': { codeId: 'code-1' },
  'share.send': { codeId: 'code-1', code: '7KQ4-MZ2T-9XHC-W' },
  'review.list': {},
  'review.mark': { id: 'session-1', comment: 'Accès justifié.' },
  'review.csv': {},
  'record.breakGlassPending': { pendingId: uuid },
  'record.breakGlass': { pendingId: uuid },
  'auth.status': {},
  'auth.signIn': {},
  'auth.signOut': {},
  'page.open': { page: 'report', params: { exam: 'exam-lefevre-ct' } },
} satisfies Record<RequestType, object>;

const SENDERS: Record<From, Sender> = {
  content: { id: ID, url: 'https://webmail.chu.fr/?_task=mail', tab: { id: 7 }, frameId: 0 },
  ...Object.fromEntries(
    PAGES.map((page) => [page, { id: ID, url: `${ORIGIN}src/${page}/index.html`, tab: { id: 7 }, frameId: 2 }]),
  ),
} as Record<From, Sender>;

/** A router whose handlers only say which message reached them. */
function recordingRouter() {
  const reached: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_target, type) => async () => {
      reached.push(String(type));
      throw new Error('handled');
    },
  });
  return { reached, route: createRouter({ extensionId: ID, extensionOrigin: ORIGIN, handlers, log: () => {} }) };
}

describe('channels: each context may send its own messages, and only those', () => {
  const types = Object.keys(SAMPLES) as RequestType[];

  it('every sample is a valid message (so a refusal below is the channel’s, not the schema’s)', () => {
    for (const type of types) expect(Request.safeParse({ v: 1, type, ...SAMPLES[type] }).success, type).toBe(true);
  });

  it.each(Object.keys(SENDERS) as From[])('from %s', async (from) => {
    const { reached, route } = recordingRouter();
    for (const type of types) await route({ v: 1, type, ...SAMPLES[type] }, SENDERS[from]);
    expect(reached.sort()).toEqual(types.filter((t) => (Senders[t] as readonly From[]).includes(from)).sort());
  });

  it('an extension page the protocol does not name sends nothing', async () => {
    const { reached, route } = recordingRouter();
    for (const type of types) {
      await route({ v: 1, type, ...SAMPLES[type] }, { id: ID, url: `${ORIGIN}src/unknown/index.html` });
      await route({ v: 1, type, ...SAMPLES[type] }, { id: ID, url: `${ORIGIN}assets/panel-x.js` });
    }
    expect(reached).toEqual([]);
  });
});
