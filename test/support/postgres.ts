/**
 * A throw-away PostgreSQL for tests and benchmarks: Debian's server (`postgresql`, installed by
 * `.ci/run`), a new cluster in a temporary folder, listening on the loopback only, removed at
 * `close()`. As root, PostgreSQL refuses to run: the cluster then belongs to Debian's `postgres`
 * user. `durable: false` (tests) turns off the disk syncs that only a machine crash would need;
 * `settings` are more server settings (`name=value`: the benchmark's memory).
 */
import { freePort } from './net.ts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

/** The migrated database every PostgreSQL test database is a copy of (`postgres-setup.ts`). */
export const TEMPLATE = 'passerelle_template';

/** A PostgreSQL server: the address of one of its databases, of another, and SQL run as its administrator. */
export function serverOf(url: string) {
  const urlOf = (database: string) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    url,
    urlOf,
    async admin(sql: string) {
      const client = new pg.Client(url);
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestPostgres extends ReturnType<typeof serverOf> {
  close(): Promise<void>;
}

/** The newest server Debian installed (`/usr/lib/postgresql/<version>/bin`). */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server not found: apt-get install postgresql (or set TEST_DATABASE_URL)');
  return join(root, newest, 'bin');
}

export async function startPostgres(options: { durable?: boolean; settings?: string[] } = {}): Promise<TestPostgres> {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-pg-'));
  const data = join(dir, 'data');
  // As root, the cluster's files and processes belong to `postgres`.
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  const owner = process.getuid?.() === 0 ? { uid: id('-u'), gid: id('-g') } : {};
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  chmodSync(dir, 0o755);
  execFileSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'passerelle',
      '--auth=trust',
      '--no-locale',
      '--encoding=UTF8',
      ...(options.durable ? [] : ['--no-sync']),
    ],
    { stdio: 'ignore', ...owner },
  );
  const port = await freePort();
  const settings = [
    `port=${port}`,
    'listen_addresses=127.0.0.1',
    `unix_socket_directories=${dir}`,
    'max_connections=300',
    ...(options.durable ? [] : ['fsync=off', 'full_page_writes=off']),
    ...(options.settings ?? []),
  ].flatMap((s) => ['-c', s]);
  const child: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, ...settings], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...owner,
  });
  // Ready when the server says so: a signal, not a delay.
  await new Promise<void>((resolve, reject) => {
    const log: string[] = [];
    child.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log.join('\n')}`)));
    child.once('error', reject);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.push(line);
      if (/ready to accept connections/.test(line)) resolve();
    });
  });
  return {
    ...serverOf(`postgres://passerelle@127.0.0.1:${port}/postgres`),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Fast shutdown: sessions ended, the cluster then removed.
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
