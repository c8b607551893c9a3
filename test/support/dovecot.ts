/**
 * A throw-away IMAP server for tests: Debian's Dovecot (`dovecot-imapd`, installed by `.ci/run`)
 * on the loopback, one mailbox, its Maildir in a temporary folder. `deliver` puts a message in the
 * mailbox as the MTA would (a file in `Maildir/new`).
 */
import { freePort } from './net.ts';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';

export interface TestImap {
  settings: { host: string; port: number; tls: 'none'; user: string; password: string };
  deliver(raw: string): void;
  close(): Promise<void>;
}

export async function startDovecot(): Promise<TestImap> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-imap-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'passerelle';
  const password = randomUUID();
  // As root, Dovecot runs its processes as its own users; otherwise as the test's user.
  const root = process.getuid?.() === 0;
  const mailUser = root ? 'dovecot' : userInfo().username;
  const home = join(dir, 'home');
  const maildir = join(home, 'Maildir');
  for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  writeFileSync(
    join(dir, 'dovecot.conf'),
    [
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'state')}`,
      'log_path = /dev/stderr',
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `default_login_user = ${root ? 'dovenull' : mailUser}`,
      `default_internal_user = ${root ? 'dovecot' : mailUser}`,
      'service imap-login {',
      '  chroot =',
      '  inet_listener imap {',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      'passdb {',
      '  driver = passwd-file',
      `  args = ${join(dir, 'passwd')}`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${mailUser} gid=${mailUser} home=${home}`,
      '}',
      'mail_location = maildir:~/Maildir',
      // The mailbox belongs to a system user (Dovecot's own, or the test's): allow its uid.
      'first_valid_uid = 1',
      'first_valid_gid = 1',
      '',
    ].join('\n'),
  );
  const id = (flag: string) => Number(execFileSync('id', [flag, 'dovecot']).toString().trim());
  const owner = root ? { uid: id('-u'), gid: id('-g') } : undefined;
  const own = (path: string) => {
    if (owner) chownSync(path, owner.uid, owner.gid);
  };
  for (const path of [home, maildir, ...['new', 'cur', 'tmp'].map((s) => join(maildir, s))]) own(path);

  const child = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Ready when the master says it starts (its listeners are bound before): a signal, not a delay.
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`dovecot exited (${code}): is dovecot-imapd installed?`)));
    child.once('error', reject);
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      if (/starting up/.test(line)) resolve();
    });
  });
  return {
    settings: { host: '127.0.0.1', port, tls: 'none', user, password },
    deliver(raw) {
      const file = join(maildir, 'new', `${Date.now()}.${randomUUID()}.passerelle-test`);
      writeFileSync(file, raw, { mode: 0o600 });
      own(file);
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
