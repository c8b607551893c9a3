/**
 * The signed-in state for extension pages: asked of the background, refreshed when the session
 * changes in `storage.session` (signing in from the options page updates an open panel).
 */
import browser from 'webextension-polyfill';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AuthStatus } from '../core/protocol.ts';
import { send } from './messaging.ts';

export type AuthView = { phase: 'loading' } | { phase: 'busy' } | { phase: 'known'; status: AuthStatus };

export function useAuth() {
  const [view, setView] = useState<AuthView>({ phase: 'loading' });

  const refresh = useCallback(() => {
    send({ type: 'auth.status' }).then(
      (status) => setView({ phase: 'known', status }),
      () => setView({ phase: 'known', status: { state: 'signed-out', reason: 'failed' } }),
    );
  }, []);

  const act = useCallback((type: 'auth.signIn' | 'auth.signOut') => {
    setView({ phase: 'busy' });
    send({ type }).then(
      (status) => setView({ phase: 'known', status }),
      () => setView({ phase: 'known', status: { state: 'signed-out', reason: 'failed' } }),
    );
  }, []);

  useEffect(() => {
    refresh();
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'session' && 'auth' in changes) refresh();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [refresh]);

  return {
    view,
    signedIn: view.phase === 'known' && view.status.state === 'signed-in',
    refresh,
    signIn: () => act('auth.signIn'),
    signOut: () => act('auth.signOut'),
  };
}

export type AuthHandle = ReturnType<typeof useAuth>;
