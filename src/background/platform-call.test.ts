import { describe, expect, it } from 'vitest';
import { acknowledged, callPlatform } from './platform-call.ts';

const answering = (status: number, body: string, headers: Record<string, string> = {}) => ({
  baseUrl: 'https://platform.example',
  accessToken: 'token',
  fetch: async () => new Response(body, { status, headers }),
});

describe('one platform call', () => {
  it('reads a hospital proxy’s HTML error page as a server failure, not as a bad answer', async () => {
    const got = await callPlatform(answering(502, '<html>Bad Gateway</html>'), { path: '/x', read: acknowledged });
    expect(got).toEqual({ status: 'unavailable', reason: 'server' });
  });

  it('lets a call read a refusal of its own before the usual ones', async () => {
    const options = answering(403, '{"resourceType":"OperationOutcome","issue":[]}', { 'x-special': 'yes' });
    const got = await callPlatform(options, {
      path: '/x',
      read: acknowledged,
      refused: (status, headers) =>
        status === 403 && headers.get('x-special') ? { status: 'special' as const } : undefined,
    });
    expect(got).toEqual({ status: 'special' });
  });

  it('reads a text answer (a CSV) as text, and an answer that does not read as expected as bad', async () => {
    const csv = await callPlatform(answering(200, 'a;b\n1;2'), {
      path: '/x.csv',
      text: true,
      read: (body) => (typeof body === 'string' ? { status: 'ok' as const, csv: body } : undefined),
    });
    expect(csv).toEqual({ status: 'ok', csv: 'a;b\n1;2' });
    expect(await callPlatform(answering(200, '{}'), { path: '/x', read: () => undefined })).toEqual({
      status: 'unavailable',
      reason: 'bad-response',
    });
  });

  it('sends nothing without a token', async () => {
    let called = false;
    const got = await callPlatform(
      { baseUrl: 'https://p.example', accessToken: undefined, fetch: async () => ((called = true), new Response()) },
      { path: '/x', read: acknowledged },
    );
    expect([got, called]).toEqual([{ status: 'signed-out' }, false]);
  });
});
