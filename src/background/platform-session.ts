/**
 * Calls to the platform on behalf of the signed-in professional: with their access token; if the
 * platform refuses it, renewed once and called again; if that fails, the session has ended.
 */
import type { Auth } from './auth.ts';
import type { SessionArea } from './context-store.ts';
import { loadSettings } from './settings.ts';

export interface PlatformSession {
  call<R extends { status: string; reason?: string }>(
    run: (accessToken: string | undefined, platformUrl: string) => Promise<R>,
  ): Promise<R>;
  /** The signed-in professional's IDNPS, if any. */
  idNps(): Promise<string | undefined>;
}

export function platformSession(auth: Auth, local: SessionArea): PlatformSession {
  return {
    async call(run) {
      const { platformUrl } = await loadSettings(local);
      const result = await run(await auth.accessToken(), platformUrl);
      if (result.status !== 'signed-out' || !result.reason) return result;
      const renewed = await auth.accessToken(true);
      return renewed ? run(renewed, platformUrl) : result;
    },
    async idNps() {
      const status = await auth.status();
      return status.state === 'signed-in' ? status.professional.idNps : undefined;
    },
  };
}
