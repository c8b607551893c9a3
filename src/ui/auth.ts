/**
 * The signed-in state for extension pages: asked of the background, refreshed when the background
 * says it changed (signing in from the options page updates an open panel, in both browsers).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AuthStatus } from '../core/protocol.ts';
import { useChanges } from './changes.ts';
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

  useEffect(refresh, [refresh]);
  useChanges(useCallback((notice) => notice.what === 'auth' && refresh(), [refresh]));

  return {
    view,
    signedIn: view.phase === 'known' && view.status.state === 'signed-in',
    refresh,
    signIn: () => act('auth.signIn'),
    signOut: () => act('auth.signOut'),
  };
}

export type AuthHandle = ReturnType<typeof useAuth>;
