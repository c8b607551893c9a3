/** Receipts read as they come back: delivery (RFC 3464) and read (RFC 8098) notifications, and nothing else. */
import { describe, expect, it } from 'vitest';
import { readReceipt } from './receipts.ts';

const report = (type: string, fields: string) =>
  [
    'From: <mailer-daemon@gw.example.mssante.fr>',
    'To: <passerelle@chu.mssante.fr>',
    'Subject: report',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${type.split('/')[1]}; boundary="b"`,
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Report.',
    '--b',
    `Content-Type: ${type}`,
    '',
    fields,
    '--b--',
    '',
  ].join('\r\n');

describe('MSSanté receipts', () => {
  it('reads a failure notification: the envelope id, and the diagnostic (folded lines unfolded)', async () => {
    const raw = report(
      'message/delivery-status',
      [
        'Original-Envelope-Id: <m1@chu.mssante.fr>',
        'Reporting-MTA: dns; gw.example',
        '',
        'Final-Recipient: rfc822; dr.x@ch.mssante.fr',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp; 552 5.2.2 Boîte aux lettres',
        '  pleine',
        '',
      ].join('\r\n'),
    );
    expect(await readReceipt(raw)).toEqual({
      messageId: '<m1@chu.mssante.fr>',
      kind: 'failed',
      detail: 'smtp; 552 5.2.2 Boîte aux lettres pleine',
    });
  });

  it('reads a delay, and a read notification; a deletion without reading is no read receipt', async () => {
    const delayed = report(
      'message/delivery-status',
      'Original-Envelope-Id: <m2@x>\r\n\r\nFinal-Recipient: rfc822; a@b.mssante.fr\r\nAction: delayed\r\nStatus: 4.4.1\r\n',
    );
    expect(await readReceipt(delayed)).toMatchObject({ messageId: '<m2@x>', kind: 'delayed' });
    const mdn = (disposition: string) =>
      report('message/disposition-notification', `Original-Message-ID: <m3@x>\r\nDisposition: ${disposition}\r\n`);
    expect(await readReceipt(mdn('manual-action/MDN-sent-manually; displayed'))).toEqual({
      messageId: '<m3@x>',
      kind: 'read',
    });
    expect(await readReceipt(mdn('automatic-action/MDN-sent-automatically; deleted'))).toBeUndefined();
  });

  it('reads nothing in an ordinary message, a report without an id, or garbage', async () => {
    expect(await readReceipt('From: <a@b>\r\nSubject: bonjour\r\n\r\nRien à signaler.\r\n')).toBeUndefined();
    expect(
      await readReceipt(report('message/delivery-status', 'Reporting-MTA: dns; x\r\n\r\nAction: delivered\r\n')),
    ).toBeUndefined();
    expect(await readReceipt(Buffer.from([0, 1, 2, 255, 254]))).toBeUndefined();
  });
});
