/** A loopback port free now (for servers that cannot listen on port 0 and say which they got). */
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
