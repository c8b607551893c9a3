/**
 * The extension's DPoP key (RFC 9449): an ES256 key pair made by WebCrypto as **non-extractable**,
 * kept in IndexedDB (which stores the key object itself, not its bytes) so that it survives the
 * service worker's restarts. The platform binds the session to it: a copied token is useless
 * elsewhere, and not even the extension can export the private key. A new key at each sign-in;
 * none after sign-out.
 */
import { openDB } from 'idb';
import * as oauth from 'oauth4webapi';

export interface KeyStore {
  get(): Promise<CryptoKeyPair | undefined>;
  /** A new key pair, replacing the previous one. */
  renew(): Promise<CryptoKeyPair>;
  clear(): Promise<void>;
}

const KEY = 'dpop';

export function idbKeyStore(name = 'passerelle-keys'): KeyStore {
  const db = openDB(name, 1, {
    upgrade(database) {
      database.createObjectStore('keys');
    },
  });
  return {
    async get() {
      const pair = (await (await db).get('keys', KEY)) as CryptoKeyPair | undefined;
      return pair?.privateKey && pair.publicKey ? pair : undefined;
    },
    async renew() {
      const pair = await oauth.generateKeyPair('ES256', { extractable: false });
      await (await db).put('keys', pair, KEY);
      return pair;
    },
    async clear() {
      await (await db).delete('keys', KEY);
    },
  };
}
