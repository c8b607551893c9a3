/**
 * Two platform instances on one PostgreSQL, sharing nothing but the database (issue 20): they
 * start together on an empty database; every workflow begun at one goes on at the other (sign-in,
 * care circle, share code, break-glass and its review, the patient's page); then one is killed
 * (SIGKILL) under load: the other goes on serving, nothing either acknowledged is lost, and the
 * chain verifies with `npm run audit:verify` on PostgreSQL. The killed one comes back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInHeadless, type SignedIn } from '../test/support/oidc.ts';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { startDevProvider, type DevProvider } from './identity/dev-provider.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'passerelle-instances-'));
const keyFile = join(dir, 'share-code.key');
let postgres: TestPostgres;
let provider: DevProvider;
let databaseUrl: string;

interface Instance {
  child: ChildProcess;
  url: string;
  dataDir: string;
}

/** One instance as a process of its own, ready when it logs that it listens (a signal, not a delay). */
async function startInstance(name: string): Promise<Instance> {
  const dataDir = join(dir, name);
  const child = spawn(process.execPath, ['server/main.ts', '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SHARE_CODE_KEY_FILE: keyFile,
      OIDC_ISSUER: provider.issuer,
      PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code})`))),
  );
  const listening = (async () => {
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'platform listening' && entry.url) return entry.url;
    }
    throw new Error(`instance ${name} did not start`);
  })();
  const url = await Promise.race([listening, exited]);
  child.stdout!.resume();
  return { child, url, dataDir };
}

const stopInstance = async ({ child }: Instance) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
};

const json = async (res: Response) => {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body;
};
const post = (signedIn: SignedIn, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  signedIn.call(url, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

let a: Instance;
let b: Instance;

beforeAll(async () => {
  postgres = await startPostgres();
  await postgres.admin('CREATE DATABASE passerelle');
  databaseUrl = postgres.urlOf('passerelle');
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  provider = await startDevProvider({ host: '127.0.0.1', port: 0 });
  // Both at once on the empty database: one migrates (the migrator's lock), both seed the demo.
  [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
}, 60_000);

afterAll(async () => {
  for (const instance of [a, b]) if (instance) await stopInstance(instance);
  await provider?.close();
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two platform instances on one PostgreSQL', () => {
  it('carries every workflow from one instance to the other', async () => {
    const physician = await signInHeadless(a.url, 'f:passerelle-dev:physician');
    const secretariat = await signInHeadless(b.url, 'f:passerelle-dev:secretariat');
    const officer = await signInHeadless(a.url, 'f:passerelle-dev:privacy-officer');

    // The session signed in at A is known at B (sessions live in the database).
    expect((await physician.call(`${b.url}/fhir/Practitioner/$me`)).status).toBe(200);

    // Care circle: declared at B, seen at A.
    const joined = await post(physician, `${b.url}/fhir/Patient/demo-lefevre/$care-team-join`, undefined, {
      'idempotency-key': 'instances-join-1',
    });
    expect(joined.status).toBeLessThan(300);
    const circle = JSON.stringify(await json(await physician.call(`${a.url}/fhir/CareTeam?patient=demo-lefevre`)));
    expect(circle).toContain('MOREAU');
    // The same declaration replayed at A: the answer kept at B, nothing new.
    const replayed = await post(physician, `${a.url}/fhir/Patient/demo-lefevre/$care-team-join`, undefined, {
      'idempotency-key': 'instances-join-1',
    });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    // Share code: issued by the secretariat at B, redeemed at A (one key for every instance).
    const issued = await json(await secretariat.call(`${b.url}/share/exams/exam-lefevre-ct/codes`, jsonPost({})));
    const redeemed = await post(physician, `${a.url}/fhir/$redeem-share-code`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'code', valueString: issued.code }],
    });
    expect(redeemed.status).toBe(200);

    // Break-glass: started at A, the record read at B, ended at B, reviewed at A.
    const started = await post(physician, `${a.url}/fhir/Patient/demo-girard/$break-glass`, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'mode', valueCode: 'bris_de_glace' },
        { name: 'reason', valueCode: 'patient-hors-etat' },
        { name: 'text', valueString: 'Patient inconscient aux urgences, traitement en cours inconnu' },
      ],
    });
    expect(started.status).toBeLessThan(300);
    expect((await physician.call(`${b.url}/fhir/Patient/demo-girard/$summary`)).status).toBe(200);
    expect((await post(physician, `${b.url}/fhir/Patient/demo-girard/$break-glass-end`)).status).toBeLessThan(300);
    expect((await physician.call(`${a.url}/fhir/Patient/demo-girard/$summary`)).status).toBe(403);
    const sessions = (await json(await officer.call(`${a.url}/review/break-glass`))) as unknown as {
      sessions?: { id: string; patient: { id: string } }[];
    };
    expect(JSON.stringify(sessions)).toContain('demo-girard');

    // The patient's page: signed in at A, the same cookie at B.
    const login = await fetch(`${a.url}/patient/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.url },
      body: 'patient=demo-girard',
      redirect: 'manual',
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${b.url}/patient`, { headers: { cookie } })).text();
    expect(page).toContain('MOREAU');
  });

  it('loses nothing acknowledged when one instance is killed under load, and the chain stays whole', async () => {
    const INS = ['255081416802538', '279035121518989', '184126912304531'];
    const physician = await signInHeadless(a.url, 'f:passerelle-dev:physician');
    const acknowledged: string[] = [];
    let killedAt = Infinity;
    let killA = () => {};
    const aKilled = new Promise<void>((resolve) => (killA = resolve));
    let enough = () => {};
    const done = new Promise<void>((resolve) => (enough = resolve));
    let stop = false;
    const worker = async (target: Instance, w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await physician.call(`${target.url}/fhir/Patient?identifier=${INS[(w + i) % INS.length]}`);
          await res.arrayBuffer();
          if (res.ok) acknowledged.push(res.headers.get('x-audit-event')!);
        } catch {
          if (target === a) return; // killed mid-request: not acknowledged
          throw new Error('instance B failed while A died');
        }
        if (acknowledged.length >= 60) killA();
        if (acknowledged.length >= killedAt + 60) enough();
      }
    };
    const workers = [0, 1, 2].flatMap((w) => [worker(a, w), worker(b, w)]);
    await aKilled;
    const exited = new Promise((r) => a.child.once('exit', r));
    a.child.kill('SIGKILL');
    await exited;
    killedAt = acknowledged.length;
    // B goes on serving alone (a signal: 60 more answers acknowledged by it).
    await done;
    stop = true;
    await Promise.all(workers);

    const client = new pg.Client(databaseUrl);
    await client.connect();
    const { rows } = await client.query<{ id: string }>('SELECT id FROM audit_event');
    await client.end();
    const stored = new Set(rows.map((r) => r.id));
    expect(acknowledged.length).toBeGreaterThan(120);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

    // The killed instance comes back on the same database and its own published checkpoints.
    a = await startInstance('a');
    expect((await physician.call(`${a.url}/fhir/Patient?identifier=${INS[0]}`)).status).toBe(200);

    const verify = spawnSync(
      process.execPath,
      ['server/audit/verify-cli.ts', '--database-url', databaseUrl, '--data-dir', b.dataDir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(verify.stdout).toContain('✓ Chaîne intacte');
    expect(verify.status).toBe(0);
  });
});

function jsonPost(body: unknown) {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
