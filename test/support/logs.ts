/** A writable stream collecting the platform's log lines (JSON), for tests to read. */
import { Writable } from 'node:stream';

export function logCollector(): { logs: string[]; stream: Writable } {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return { logs, stream };
}
