/**
 * The key of the share codes' keyed hashes (HMAC-SHA-256, node:crypto): the database holds no code,
 * only `HMAC(key, purpose ‖ value)`; without this key, a copy of the database gives no code back
 * and cannot even test one. Given by `SHARE_CODE_KEY_FILE`, or created once beside the database
 * (`DATA_DIR/share-code.key`, mode 0600); random per process for `:memory:` (tests).
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface CodeHasher {
  hash(purpose: 'locator' | 'code', value: string): string;
  /** Constant-time comparison of two hashes. */
  same(a: string, b: string): boolean;
}

export function codeHasher(key: Buffer): CodeHasher {
  if (key.length < 32) throw new Error('the share-code key must be at least 32 bytes');
  // Imported once: a raw key given to each HMAC is imported again each time.
  const secret = createSecretKey(key);
  return {
    hash: (purpose, value) => createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url'),
    same: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
  };
}

export function loadCodeKey(options: { keyFile?: string; create?: boolean }): CodeHasher {
  if (!options.keyFile) return codeHasher(randomBytes(32));
  if (!existsSync(options.keyFile)) {
    if (!options.create) throw new Error(`share-code key file not found: ${options.keyFile}`);
    writeFileSync(options.keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return codeHasher(Buffer.from(readFileSync(options.keyFile, 'utf8').trim(), 'base64'));
}
