/**
 * The break-glass confirmation, in an extension window of its own (issue 15): the host page can
 * neither cover, restyle nor click it. It shows what the panel prepared — the patient as the page
 * showed them, the mode, the coded reason and the description typed — and only here can the
 * physician confirm (the background accepts `record.breakGlass` from this page only).
 */
import { useEffect, useState } from 'preact/hooks';
import type { BreakGlassRequest, BreakGlassResult } from '../core/protocol.ts';
import { formatDate, formatIns } from '../core/format.ts';
import { failureText, modeLabel, reasonText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

type State =
  | { phase: 'loading' }
  | { phase: 'none' }
  | { phase: 'ready'; request: BreakGlassRequest }
  | { phase: 'sending'; request: BreakGlassRequest }
  | { phase: 'done'; result: BreakGlassResult };

const pendingId = new URLSearchParams(location.search).get('id') ?? '';

export function BreakGlassConfirm() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  useEffect(() => {
    send({ type: 'record.breakGlassPending', pendingId }).then(
      (r) => setState(r.status === 'ok' ? { phase: 'ready', request: r.request } : { phase: 'none' }),
      () => setState({ phase: 'none' }),
    );
  }, []);

  if (state.phase === 'loading') return <p aria-busy="true">{t('loading')}</p>;
  if (state.phase === 'none') {
    return (
      <main>
        <p class="alert" role="alert" data-break-glass-window="none">
          {t('breakGlassWindowNone')}
        </p>
      </main>
    );
  }
  if (state.phase === 'done') {
    const { result } = state;
    if (result.status === 'ok') window.close();
    return (
      <main>
        <p class={result.status === 'ok' ? 'status ok' : 'alert'} role="status" data-break-glass-window={result.status}>
          {result.status === 'ok' ? t('breakGlassWindowDone') : failureText(result, 'break-glass')}
        </p>
      </main>
    );
  }
  const { request } = state;
  const seen = request.seen;
  const name = seen.familyName ? `${seen.familyName} ${seen.givenNames ?? ''}` : (seen.displayName ?? '—');
  const confirm = () => {
    setState({ phase: 'sending', request });
    send({ type: 'record.breakGlass', pendingId }).then(
      (result) => setState({ phase: 'done', result }),
      () => setState({ phase: 'done', result: { status: 'unavailable', reason: 'bad-response' } }),
    );
  };
  return (
    <main>
      <h1>{t('breakGlassTitle')}</h1>
      <p>{t('breakGlassWarning')}</p>
      <dl data-break-glass-window="ready">
        <dt>{t('name')}</dt>
        <dd>{name}</dd>
        <dt>{t('birthDate')}</dt>
        <dd>{seen.birthDate ? formatDate(seen.birthDate) : t('notShown')}</dd>
        <dt>{t('ins')}</dt>
        <dd class="ins">{seen.ins ? formatIns(seen.ins.value) : t('notShown')}</dd>
        <dt>{t('breakGlassMode')}</dt>
        <dd>{modeLabel(request.mode)}</dd>
        <dt>{t('breakGlassReason')}</dt>
        <dd>{reasonText(request.reason)}</dd>
        <dt>{t('breakGlassSituation')}</dt>
        <dd data-break-glass-window-text>{request.text}</dd>
      </dl>
      <p>
        <button type="button" class="secondary" onClick={() => window.close()}>
          {t('cancel')}
        </button>{' '}
        <button
          type="button"
          class="danger"
          data-break-glass-final
          disabled={state.phase === 'sending'}
          onClick={confirm}
        >
          {t('breakGlassOpen')}
        </button>
      </p>
    </main>
  );
}
