/**
 * Serves the demo host pages (`demo/pages`) on loopback, as a webmail or DPI would be served, and
 * `/mailbox.html`: the demo MSSanté mailbox (`mailbox.ts`), when given the platform's `MAILBOX_DIR`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { mailboxPage } from './mailbox.ts';

const ROOT = join(import.meta.dirname, 'pages');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
};

export interface DemoPages {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveDemoPages(
  port = 0,
  host = '127.0.0.1',
  options: { mailboxDir?: string } = {},
): Promise<DemoPages> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/mailbox.html' && options.mailboxDir) {
      const page = await mailboxPage(options.mailboxDir, url.searchParams.get('m'));
      res.writeHead(200, { 'content-type': TYPES['.html']! }).end(page);
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(ROOT, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(ROOT)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Page introuvable');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
