/**
 * A TCP relay in front of a server that tells what its clients sent through it: for the tests of
 * what goes on the wire, and when (a transaction's statements sent together, `flight.ts`).
 *
 *     const tap = await wireTap();
 *     const db = await testDatabase({ via: tap.relay });   // the database, reached through the tap
 *     await tap.sent('INSERT INTO probe');                   // resolves once a client has sent it
 *     await tap.sent('insert into "t"', 'COMMIT');            // ... these, in this order
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface WireTap {
  /** The same address, through the tap (the first address given is the one relayed to). */
  relay(url: string): string;
  /** Resolves once `texts` have gone through the tap from clients, in this order (raw bytes read as Latin-1). */
  sent(...texts: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function wireTap(): Promise<WireTap> {
  let target: { host: string; port: number } | undefined;
  let seen = '';
  const inOrder = (texts: string[]) => {
    let at = 0;
    for (const text of texts) {
      const found = seen.indexOf(text, at);
      if (found < 0) return false;
      at = found + text.length;
    }
    return true;
  };
  const waiting = new Set<{ texts: string[]; found(): void }>();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target!.port, target!.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      for (const w of waiting) {
        if (!inOrder(w.texts)) continue;
        waiting.delete(w);
        w.found();
      }
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    relay(url) {
      const address = new URL(url);
      target ??= { host: address.hostname, port: Number(address.port) };
      address.hostname = '127.0.0.1';
      address.port = String(port);
      return address.toString();
    },
    sent: (...texts) =>
      inOrder(texts) ? Promise.resolve() : new Promise<void>((found) => waiting.add({ texts, found })),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
