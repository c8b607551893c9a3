/**
 * The key that signs audit checkpoints: Ed25519 (node:crypto), from `AUDIT_SIGNING_KEY_FILE`
 * (PKCS#8 PEM) or, by default, created once in `DATA_DIR/audit-signing-key.pem` (mode 0600). Its
 * public part is published (`GET /.well-known/audit-keys`) and kept in `audit_key` for verifiers.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

export interface AuditSigner {
  keyId: string;
  publicJwk: JWK;
  sign(payload: Buffer): string;
}

export async function loadSigner(options: { keyFile?: string; create?: boolean }): Promise<AuditSigner> {
  let privateKey: KeyObject;
  if (options.keyFile && existsSync(options.keyFile)) {
    privateKey = createPrivateKey(readFileSync(options.keyFile));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be Ed25519');
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
    if (options.keyFile && options.create) {
      writeFileSync(options.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } else if (options.keyFile) {
      throw new Error(`audit signing key not found: ${options.keyFile}`);
    }
  }
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const keyId = await calculateJwkThumbprint(publicJwk);
  return {
    keyId,
    publicJwk: { ...publicJwk, kid: keyId, alg: 'EdDSA', use: 'sig' },
    sign: (payload) => sign(null, payload, privateKey).toString('base64url'),
  };
}

export function verifySignature(publicJwk: JWK, payload: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' });
    return verify(null, payload, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
