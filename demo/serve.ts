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

const TEXT = 'text/plain; charset=utf-8';

async function answer(
  requested: string,
  mailboxDir: string | undefined,
): Promise<{ status: number; type: string; body: string | Buffer }> {
  const url = URL.parse(requested, 'http://x');
  if (!url) return { status: 400, type: TEXT, body: 'Adresse invalide' };
  if (url.pathname === '/mailbox.html' && mailboxDir) {
    return { status: 200, type: TYPES['.html']!, body: await mailboxPage(mailboxDir, url.searchParams.get('m')) };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, type: TEXT, body: 'Adresse invalide' };
  }
  const path = normalize(decoded).replace(/^(\.\.[/\\])+/, '');
  const file = join(ROOT, path.endsWith('/') ? `${path}index.html` : path);
  if (!file.startsWith(ROOT)) return { status: 403, type: TEXT, body: 'Interdit' };
  try {
    return { status: 200, type: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
  } catch {
    return { status: 404, type: TEXT, body: 'Page introuvable' };
  }
}

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
  const server = createServer((req, res) => {
    // Whatever the request, the server answers and stays up (a malformed URL is a 400, not a crash).
    answer(req.url ?? '/', options.mailboxDir).then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
      () => res.writeHead(500, { 'content-type': TEXT }).end('Erreur du serveur de démonstration'),
    );
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
