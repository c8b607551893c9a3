import { describe, expect, it } from 'vitest';
import { DetectedPatient, LookupResult, PROTOCOL_VERSION, Request, Responses, Settings } from './protocol.ts';

const patient = { source: 'generic', ins: { status: 'valid', value: '255081416802538' }, birthDate: '1955-08-14' };

describe('protocol', () => {
  it('refuses an identity confirmation without traits or with an unknown one', () => {
    const base = { v: PROTOCOL_VERSION, type: 'identity.confirm', patientId: 'demo-lefevre', seen: patient };
    expect(Request.safeParse({ ...base, traits: [] }).success).toBe(false);
    expect(Request.safeParse({ ...base, traits: ['eyeColour'] }).success).toBe(false);
    expect(Request.safeParse({ ...base, traits: [], unverified: [] }).success).toBe(false);
    expect(Request.safeParse({ ...base, traits: [], unverified: ['birthDate'] }).success).toBe(true);
  });

  it('parses every request type of the current version', () => {
    const requests = [
      { v: PROTOCOL_VERSION, type: 'context.detected', patients: [patient] },
      { v: PROTOCOL_VERSION, type: 'context.get' },
      { v: PROTOCOL_VERSION, type: 'panel.tampered', why: 'moved' },
      {
        v: PROTOCOL_VERSION,
        type: 'profiles.preview',
        urlPrefix: 'http://127.0.0.1:8788/',
        selectors: { ins: '#ins' },
      },
      { v: PROTOCOL_VERSION, type: 'patient.lookup', ins: '255081416802538' },
      { v: PROTOCOL_VERSION, type: 'panel.close' },
      { v: PROTOCOL_VERSION, type: 'settings.get' },
      { v: PROTOCOL_VERSION, type: 'settings.set', settings: { platformUrl: 'https://p.example' } },
      { v: PROTOCOL_VERSION, type: 'auth.status' },
      { v: PROTOCOL_VERSION, type: 'auth.signIn' },
      { v: PROTOCOL_VERSION, type: 'auth.signOut' },
      { v: PROTOCOL_VERSION, type: 'profiles.get' },
      { v: PROTOCOL_VERSION, type: 'profiles.set', profiles: [] },
      { v: PROTOCOL_VERSION, type: 'profiles.forPage' },
      { v: PROTOCOL_VERSION, type: 'sites.get' },
      { v: PROTOCOL_VERSION, type: 'sites.set', sites: ['https://webmail.chu.fr', 'http://127.0.0.1'] },
      {
        v: PROTOCOL_VERSION,
        type: 'identity.confirm',
        patientId: 'demo-lefevre',
        seen: patient,
        traits: ['birthDate'],
      },
      { v: PROTOCOL_VERSION, type: 'careTeam.get', patientId: 'demo-lefevre' },
      { v: PROTOCOL_VERSION, type: 'careTeam.join', patientId: 'demo-lefevre', seen: patient },
      { v: PROTOCOL_VERSION, type: 'careTeam.leave', patientId: 'demo-lefevre', seen: patient },
      { v: PROTOCOL_VERSION, type: 'outbox.list' },
      { v: PROTOCOL_VERSION, type: 'intent.take' },
      { v: PROTOCOL_VERSION, type: 'outbox.dismiss', key: 'a-key-of-8+' },
      { v: PROTOCOL_VERSION, type: 'share.redeem', code: '7KQ4-MZ2T-9XHC-W' },
      { v: PROTOCOL_VERSION, type: 'share.exams' },
      { v: PROTOCOL_VERSION, type: 'share.exam', examId: 'exam-lefevre-ct' },
      { v: PROTOCOL_VERSION, type: 'share.centreExams' },
      { v: PROTOCOL_VERSION, type: 'share.issue', examId: 'exam-lefevre-ct', singleUse: true },
      { v: PROTOCOL_VERSION, type: 'share.revoke', codeId: 'c1' },
      { v: PROTOCOL_VERSION, type: 'share.send', codeId: 'c1', code: '7KQ4-MZ2T-9XHC-W' },
      { v: PROTOCOL_VERSION, type: 'record.summary', patientId: 'demo-bernard', seen: patient },
      { v: PROTOCOL_VERSION, type: 'record.documents', patientId: 'demo-bernard', typeCode: '11488-4' },
      { v: PROTOCOL_VERSION, type: 'record.document', patientId: 'demo-bernard', documentId: 'demo-bernard-doc-1' },
      { v: PROTOCOL_VERSION, type: 'page.open', page: 'document', params: { patient: 'p', doc: 'd' } },
      {
        v: PROTOCOL_VERSION,
        type: 'record.breakGlassPrepare',
        seen: patient,
        patientId: 'demo-bernard',
        mode: 'bris_de_glace',
        reason: 'urgence-vitale',
        text: 'Arrêt cardiaque, patient inconscient',
      },
      { v: PROTOCOL_VERSION, type: 'record.breakGlassPending', pendingId: '0b6e6900-0000-4000-8000-000000000001' },
      { v: PROTOCOL_VERSION, type: 'record.breakGlass', pendingId: '0b6e6900-0000-4000-8000-000000000001' },
      { v: PROTOCOL_VERSION, type: 'record.breakGlassEnd', patientId: 'demo-bernard' },
      { v: PROTOCOL_VERSION, type: 'review.list', reviewed: false },
      { v: PROTOCOL_VERSION, type: 'review.mark', id: 's1', comment: 'Justifié' },
      { v: PROTOCOL_VERSION, type: 'review.csv' },
    ];
    for (const r of requests) expect(Request.safeParse(r).success, r.type).toBe(true);
    expect(Object.keys(Responses).sort()).toEqual(requests.map((r) => r.type).sort());
  });

  it('refuses other versions, unknown types and missing fields', () => {
    expect(Request.safeParse({ v: 2, type: 'context.get' }).success).toBe(false);
    expect(Request.safeParse({ type: 'context.get' }).success).toBe(false);
    expect(Request.safeParse({ v: 1, type: 'record.read' }).success).toBe(false);
    expect(Request.safeParse({ v: 1, type: 'patient.lookup' }).success).toBe(false);
    expect(Request.safeParse({ v: 1, type: 'patient.lookup', ins: '' }).success).toBe(false);
  });

  it('takes from a content script only well-formed share codes, five at most', () => {
    const report = (shareCodes: string[]) =>
      Request.safeParse({ v: 1, type: 'context.detected', patients: [], shareCodes }).success;
    expect(report(['7KQ4MZ2T9XHCW'])).toBe(true);
    expect(report(['7KQ4-MZ2T-9XHC-W'])).toBe(false);
    expect(report(['<img src=x>'])).toBe(false);
    expect(report(Array.from({ length: 6 }, () => '7KQ4MZ2T9XHCW'))).toBe(false);
  });

  it('bounds what a page can make the content script report', () => {
    expect(DetectedPatient.safeParse({ ...patient, displayName: 'x'.repeat(201) }).success).toBe(false);
    expect(DetectedPatient.safeParse({ ...patient, birthDate: '1955-02-30' }).success).toBe(false);
    expect(DetectedPatient.safeParse({ ...patient, ins: { status: 'valid', value: '2550814168025' } }).success).toBe(
      false,
    );
    expect(DetectedPatient.safeParse({ ...patient, sex: 'other' }).success).toBe(false);
  });

  it('accepts only an http(s) platform address', () => {
    expect(Settings.safeParse({ platformUrl: 'https://passerelle.chu.example' }).success).toBe(true);
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://x.example', 'not a url']) {
      expect(Settings.safeParse({ platformUrl: url }).success, url).toBe(false);
    }
  });

  it('keeps lookup outcomes apart: found, unknown, invalid INS, unavailable', () => {
    expect(LookupResult.safeParse({ status: 'unknown' }).success).toBe(true);
    expect(LookupResult.safeParse({ status: 'invalid-ins', reason: 'key' }).success).toBe(true);
    expect(LookupResult.safeParse({ status: 'unavailable', reason: 'timeout' }).success).toBe(true);
    expect(LookupResult.safeParse({ status: 'found' }).success).toBe(false);
  });
});
