/**
 * The panel: who is signed in, then the patient(s) detected on the host page, each resolved by the
 * platform once signed in. Several patients are listed for the user to choose: never a silent
 * guess. Escape closes the panel.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DetectedPatient, PageContext, Tampered } from '../core/protocol.ts';
import { formatTime } from '../core/format.ts';
import { useAuth } from '../ui/auth.ts';
import { useChanges } from '../ui/changes.ts';
import { t } from '../ui/i18n.ts';
import { Identity } from '../ui/Identity.tsx';
import { send } from '../ui/messaging.ts';
import { startGuard, type Guard } from './guard.ts';
import { PatientCard } from './PatientCard.tsx';
import { PatientChoice } from './PatientChoice.tsx';
import { FoundCodes, ShareCodes } from './ShareCodes.tsx';

type State =
  { phase: 'loading' } | { phase: 'error' } | { phase: 'ready'; context: PageContext | null; tampered?: Tampered };

const close = () => void send({ type: 'panel.close' }).catch(() => {});

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [chosen, setChosen] = useState<DetectedPatient | undefined>();
  const auth = useAuth();
  const [redeemed, setRedeemed] = useState(0);

  const load = useCallback((quiet = false) => {
    if (!quiet) setState({ phase: 'loading' });
    send({ type: 'context.get' }).then(
      ({ context, tampered }) => setState({ phase: 'ready', context, ...(tampered ? { tampered } : {}) }),
      () => setState({ phase: 'error' }),
    );
  }, []);

  // Input protection (guard.ts): clicks count only once the panel has been visible and unchanged.
  const [refused, setRefused] = useState(false);
  const [guard, setGuard] = useState<Guard | undefined>();
  useEffect(() => {
    const started = startGuard(document, { onRefused: () => setRefused(true) });
    setGuard(started);
    return () => started.stop();
  }, []);

  useEffect(() => {
    load();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [load]);
  // The page changed its patient (single-page apps): follow it without a loading flash.
  useChanges(useCallback((notice) => notice.what === 'context' && load(true), [load]));

  const patients = state.phase === 'ready' ? (state.context?.patients ?? []) : [];
  // A choice holds while that patient is still on the page.
  const kept = chosen && patients.find((p) => JSON.stringify(p) === JSON.stringify(chosen));
  const current = kept ?? (patients.length === 1 ? patients[0] : undefined);
  // Another patient shown: no click counts until it has been on screen long enough to be seen.
  const shownKey = current ? JSON.stringify(current) : '';
  useEffect(() => {
    guard?.reset();
    setRefused(false);
  }, [guard, shownKey]);

  return (
    <>
      <header>
        <h1>{t('extName')}</h1>
        <button type="button" onClick={close} aria-label={t('close')}>
          ×
        </button>
      </header>
      <main>
        <Identity auth={auth} />
        {state.phase === 'ready' && state.tampered && (
          <p class="alert" role="alert" data-tampered={state.tampered.why}>
            {t(`tampered_${state.tampered.why}`, formatTime(state.tampered.at))}
          </p>
        )}
        {refused && (
          <p class="alert" role="alert" data-guard-refused>
            {t('guardRefused')}
          </p>
        )}
        {state.phase === 'loading' && <p aria-busy="true">{t('loading')}</p>}
        {state.phase === 'error' && (
          <div role="alert">
            <p>
              <strong>{t('errorTitle')}</strong>
            </p>
            <p>{t('errorBody')}</p>
            <button type="button" onClick={() => load()}>
              {t('retry')}
            </button>
          </div>
        )}
        {state.phase === 'ready' && patients.length === 0 && !state.context?.shareCodes.length && (
          <>
            <p>{t('noPatient')}</p>
            <p class="muted">{t('noPatientHint')}</p>
          </>
        )}
        {/* Codes found in the message come first: the patient's sections below load by themselves
            and must not move the "Ouvrir l'examen" button under the pointer. */}
        {state.phase === 'ready' && (state.context?.shareCodes.length ?? 0) > 0 && (
          <FoundCodes
            found={state.context!.shareCodes}
            signedIn={auth.signedIn}
            onRedeemed={() => setRedeemed((n) => n + 1)}
          />
        )}
        {state.phase === 'ready' && patients.length > 1 && !current && (
          <PatientChoice patients={patients} onChoose={setChosen} />
        )}
        {current && (
          <>
            {patients.length > 1 && (
              <button type="button" class="secondary" data-back onClick={() => setChosen(undefined)}>
                {t('backToList')}
              </button>
            )}
            <PatientCard patient={current} auth={auth} />
          </>
        )}
        {state.phase === 'ready' && <ShareCodes signedIn={auth.signedIn} redeemed={redeemed} />}
        {state.phase === 'ready' && state.context && <p class="muted">{t('detectedOn', state.context.origin)}</p>}
      </main>
    </>
  );
}
