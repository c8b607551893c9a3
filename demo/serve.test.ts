import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveDemoPages, type DemoPages } from './serve.ts';

let pages: DemoPages;
beforeAll(async () => {
  pages = await serveDemoPages();
});
afterAll(() => pages.close());

/** A GET with the path sent byte for byte, as a hostile client would (fetch would normalise it). */
const get = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const { port } = new URL(pages.url);
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });

it('answers malformed and hostile URLs, and stays up', async () => {
  expect(await get('/%E0%A4%A')).toBe(400);
  expect(await get('/%')).toBe(400);
  expect(await get('/..%2F..%2F..%2Fetc%2Fpasswd')).toBe(404);
  expect(await get('/%2e%2e/%2e%2e/package.json')).toBe(404);
  expect(await get('/nothing-here.html')).toBe(404);
  expect(await get('/webmail.html')).toBe(200);
});
