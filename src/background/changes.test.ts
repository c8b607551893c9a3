import { describe, expect, it } from 'vitest';
import { noticeOf } from './changes.ts';

describe('changes told to extension pages', () => {
  it('tells a sign-in change, the contexts of the page’s own tab, and a break-glass result', () => {
    expect(noticeOf('auth', {}, 7)).toEqual({ what: 'auth' });
    expect(noticeOf('context:7:0', {}, 7)).toEqual({ what: 'context' });
    const id = '0b6e6900-0000-4000-8000-000000000001';
    expect(noticeOf(`breakGlassResult:${id}`, { status: 'ok' }, undefined)).toEqual({
      what: 'breakGlassResult',
      pendingId: id,
      result: { status: 'ok' },
    });
  });

  it('tells nothing of another tab’s page, nor of keys pages have no use for', () => {
    expect(noticeOf('context:8:0', {}, 7)).toBeUndefined();
    expect(noticeOf('context:7:0', {}, undefined)).toBeUndefined();
    expect(noticeOf('vigilance:899700100011:demo-lefevre', {}, 7)).toBeUndefined();
    expect(noticeOf('scans:7', 3, 7)).toBeUndefined();
  });
});
