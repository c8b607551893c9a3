/**
 * The platform killed (SIGKILL) again and again under a write load: afterwards the chain verifies
 * (with `npm run audit:verify` itself), and every answer the clients received has its entry.
 * Then a manual edit of the database is found, at the right entry.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { signInHeadless } from '../../test/support/oidc.ts';
import { databaseFile, openDatabase } from '../storage/database.ts';
import { openAuditLog } from './log.ts';
import { checkpointFile } from './published.ts';
import { loadSigner } from './signer.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The platform as a process of its own (`--demo`), ready when it logs that it listens (a signal, not a delay). */
async function startPlatformProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['server/main.ts', '--demo'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DEV_IDP_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', () => reject(new Error('platform did not start'))),
  );
  const listening = (async () => {
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'platform listening' && entry.url) return entry.url;
    }
    throw new Error('platform did not start');
  })();
  const url = await Promise.race([listening, exited]);
  // Its log is not read any more: let it flow away.
  child.stdout!.resume();
  return { child, url };
}

const INS = ['255081416802538', '279035121518989', '184126912304531'];

describe('audit log under crashes', () => {
  const acknowledged: string[] = [];

  it('loses no acknowledged entry and keeps the chain whole across repeated SIGKILLs', async () => {
    for (let round = 0; round < 4; round++) {
      const { child, url } = await startPlatformProcess();
      const signedIn = await signInHeadless(url, 'f:passerelle-dev:physician');
      const exited = new Promise((r) => child.once('exit', r));
      // Killed once the platform has acknowledged a few more answers in this round (a signal, not a delay).
      const target = acknowledged.length + 15 + round * 5;
      let enough = () => {};
      const reached = new Promise<void>((resolve) => (enough = resolve));
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const res = await signedIn.call(`/fhir/Patient?identifier=${INS[(w + i) % INS.length]}`);
            await res.arrayBuffer();
            if (res.ok) acknowledged.push(res.headers.get('x-audit-event')!);
            if (acknowledged.length >= target) enough();
          } catch {
            return; // killed mid-request: not acknowledged
          }
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      await reached;
      child.kill('SIGKILL');
      stop = true;
      await Promise.all([exited, ...workers]);
    }
    expect(acknowledged.length).toBeGreaterThan(20);

    const cli = spawnSync(process.execPath, ['server/audit/verify-cli.ts', '--data-dir', dataDir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(cli.stdout).toContain('✓ Chaîne intacte');
    expect(cli.status).toBe(0);

    const sqlite = new DatabaseSync(databaseFile(dataDir), { readOnly: true });
    const ids = new Set((sqlite.prepare('SELECT id FROM audit_event').all() as { id: string }[]).map((r) => r.id));
    sqlite.close();
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
  }, 60_000);

  it('says precisely where a manual edit broke the chain', async () => {
    // Its own log of ten entries, written as the platform writes them.
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-edit-'));
    const db = await openDatabase(dir);
    const audit = await openAuditLog(
      db,
      await loadSigner({ keyFile: join(dir, 'audit-signing-key.pem'), create: true }),
      { published: checkpointFile(join(dir, 'audit-checkpoints.jsonl')) },
    );
    const actor = { idNps: '899700100011', familyName: 'MOREAU', professions: ['10'] };
    for (const ins of [...INS, ...INS, ...INS, INS[0]!]) {
      await audit.record({ kind: 'patient-search', actor, query: `identifier=${ins}` });
    }
    await audit.close();
    await db.destroy();
    const sqlite = new DatabaseSync(databaseFile(dir));
    sqlite.exec('DROP TRIGGER audit_event_no_update');
    sqlite.exec(`UPDATE audit_event SET recorded = '2020-01-01T00:00:00.000Z' WHERE seq = 7`);
    sqlite.close();
    const cli = spawnSync(process.execPath, ['server/audit/verify-cli.ts', '--data-dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true, force: true });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('✗ Chaîne rompue — Entrée n° 7 : contenu modifié');
    expect(cli.stdout).toContain("Intactes jusqu'à l'entrée n° 6.");
  });
});
