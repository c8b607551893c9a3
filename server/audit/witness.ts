/**
 * A witness of the audit log (issue 16): run by someone other than the platform's operator (the
 * security officer, the DPO, another establishment), it fetches the platform's newest signed
 * checkpoint and keeps it in its own folder, so that checkpoints survive whatever happens to the
 * platform's machine. At first contact it pins the platform's public keys (or is given them);
 * afterwards it raises an alarm, and keeps nothing, when the platform shows:
 * - a checkpoint not signed by a pinned key (`signature`);
 * - a checkpoint behind the last one held (`rollback`: the log was truncated or restored);
 * - another hash at the same position (`fork`: the log was rewritten).
 * Its folder: `keys.json` (JWKS) and `checkpoints.jsonl` (every checkpoint accepted, oldest first),
 * which `npm run audit:verify -- --witness DIR` checks the database against.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';
import { checkpointFile, SignedCheckpoint, signedBy } from './published.ts';

export type WitnessResult =
  | { status: 'new' | 'unchanged' | 'none-yet'; checkpoint?: SignedCheckpoint; message: string }
  | { status: 'alarm'; kind: 'signature' | 'rollback' | 'fork' | 'malformed'; message: string }
  | { status: 'unreachable'; message: string };

const Jwks = z.object({
  keys: z
    .array(z.looseObject({ kid: z.string().min(1) }))
    .min(1)
    .max(50),
});

export const witnessFiles = (dir: string) => ({
  keys: join(dir, 'keys.json'),
  checkpoints: join(dir, 'checkpoints.jsonl'),
});

/** The keys a witness pinned, or `undefined` before its first contact. */
export function pinnedKeys(dir: string): JWK[] | undefined {
  const file = witnessFiles(dir).keys;
  return existsSync(file) ? (Jwks.parse(JSON.parse(readFileSync(file, 'utf8'))).keys as JWK[]) : undefined;
}

export async function witnessOnce(options: {
  /** The platform's base URL. */
  url: string;
  dir: string;
  /** Keys to pin at first contact instead of the platform's own list (safer: obtained elsewhere). */
  trustedKeys?: JWK[];
  fetch?: typeof fetch;
}): Promise<WitnessResult> {
  const get = options.fetch ?? fetch;
  mkdirSync(options.dir, { recursive: true });
  const files = witnessFiles(options.dir);
  const fetchJson = async (path: string) => {
    const res = await get(new URL(path, options.url), { headers: { accept: 'application/json' } });
    return { status: res.status, body: res.ok ? ((await res.json()) as unknown) : undefined };
  };
  try {
    let keys = pinnedKeys(options.dir);
    if (!keys) {
      const jwks = Jwks.safeParse(
        options.trustedKeys ? { keys: options.trustedKeys } : (await fetchJson('/.well-known/audit-keys')).body,
      );
      if (!jwks.success)
        return { status: 'alarm', kind: 'malformed', message: 'Clés publiques de la plateforme illisibles.' };
      keys = jwks.data.keys as JWK[];
      writeFileSync(files.keys, `${JSON.stringify({ keys }, null, 2)}\n`, { flag: 'wx' });
    }
    const answer = await fetchJson('/.well-known/audit-checkpoint');
    if (answer.status === 404) return { status: 'none-yet', message: 'Aucun point de contrôle publié pour l’instant.' };
    const parsed = SignedCheckpoint.safeParse(answer.body);
    if (!parsed.success) {
      return { status: 'alarm', kind: 'malformed', message: `Point de contrôle illisible (HTTP ${answer.status}).` };
    }
    const checkpoint = parsed.data;
    if (!signedBy(checkpoint, keys)) {
      return {
        status: 'alarm',
        kind: 'signature',
        message: `Point de contrôle n° ${checkpoint.seq} non signé par une clé connue du témoin (${checkpoint.keyId}).`,
      };
    }
    const held = checkpointFile(files.checkpoints);
    const last = held.last();
    const same = held.all().find((c) => c.seq === checkpoint.seq);
    if (same && same.hash !== checkpoint.hash) {
      return {
        status: 'alarm',
        kind: 'fork',
        message: `Entrée n° ${checkpoint.seq} : la plateforme montre une autre empreinte que celle gardée par le témoin (journal réécrit).`,
      };
    }
    if (last && checkpoint.seq < last.seq) {
      return {
        status: 'alarm',
        kind: 'rollback',
        message: `La plateforme montre le point de contrôle n° ${checkpoint.seq}, le témoin garde déjà le n° ${last.seq} (journal tronqué ou restauré).`,
      };
    }
    if (same) return { status: 'unchanged', checkpoint, message: `Point de contrôle n° ${checkpoint.seq} déjà gardé.` };
    held.append(checkpoint);
    return { status: 'new', checkpoint, message: `Point de contrôle n° ${checkpoint.seq} gardé.` };
  } catch (error) {
    return { status: 'unreachable', message: `Plateforme injoignable ou réponse illisible : ${String(error)}` };
  }
}
