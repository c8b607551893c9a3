/** A writable stream collecting the platform's log lines (JSON), for tests to read and wait on. */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

export function logCollector(): {
  logs: string[];
  stream: Writable;
  /** Resolves with the first line (already logged or to come) that matches. */
  waitFor(match: (line: string) => boolean): Promise<string>;
} {
  const logs: string[] = [];
  const lines = new EventEmitter();
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const line = String(chunk);
      logs.push(line);
      lines.emit('line', line);
      done();
    },
  });
  const waitFor = (match: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const found = logs.find(match);
      if (found !== undefined) return resolve(found);
      const listener = (line: string) => {
        if (!match(line)) return;
        lines.off('line', listener);
        resolve(line);
      };
      lines.on('line', listener);
    });
  return { logs, stream, waitFor };
}
