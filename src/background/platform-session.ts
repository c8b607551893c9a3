/**
 * Calls to the platform on behalf of the signed-in professional: with their access token and DPoP
 * key; if the platform refuses the token, renewed once and called again; if that fails, the
 * session has ended.
 */
import type { Auth, Credentials } from './auth.ts';
import type { ClientOptions } from './platform-call.ts';
import type { SessionArea } from './context-store.ts';
import { loadSettings } from './settings.ts';

/** Where and as whom to call: the platform's address, the access token and the key that signs with it. */
export type Connection = Pick<ClientOptions, 'baseUrl' | 'accessToken' | 'dpop'>;

const connectionOf = (baseUrl: string, credentials: Credentials | undefined): Connection =>
  credentials
    ? { baseUrl, accessToken: credentials.accessToken, dpop: credentials.dpop }
    : { baseUrl, accessToken: undefined };

export interface PlatformSession {
  call<R extends { status: string; reason?: string }>(run: (connection: Connection) => Promise<R>): Promise<R>;
  /** The signed-in professional's IDNPS, if any. */
  idNps(): Promise<string | undefined>;
}

export function platformSession(auth: Auth, local: SessionArea): PlatformSession {
  return {
    async call(run) {
      const { platformUrl } = await loadSettings(local);
      const result = await run(connectionOf(platformUrl, await auth.credentials()));
      if (result.status !== 'signed-out' || !result.reason) return result;
      const renewed = await auth.credentials(true);
      return renewed ? run(connectionOf(platformUrl, renewed)) : result;
    },
    async idNps() {
      const status = await auth.status();
      return status.state === 'signed-in' ? status.professional.idNps : undefined;
    },
  };
}
