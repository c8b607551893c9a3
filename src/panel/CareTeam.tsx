/**
 * The patient's care circle: one button, one click, to declare oneself in it; then who is in it and
 * how to reach them (MSSanté, `mailto:`). Shown only once the patient's identity is settled
 * (traits agree, or the professional confirmed them: `IdentityConfirm`). A physician may also declare
 * themselves the patient's médecin traitant when nobody else is (the platform enforces both).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CareTeamResult } from '../core/protocol.ts';
import { formatDate } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';
import { useSeen } from './seen.ts';

type State = { phase: 'loading' | 'sending' } | { phase: 'done'; result: CareTeamResult };

export function CareTeam({ patientId, physician }: { patientId: string; physician: boolean }) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const seen = useSeen();

  const run = useCallback(
    (type: 'careTeam.get' | 'careTeam.join' | 'careTeam.leave', asMt?: boolean) => {
      setState({ phase: type === 'careTeam.get' ? 'loading' : 'sending' });
      const sent =
        type === 'careTeam.get'
          ? send({ type, patientId })
          : send({ type, patientId, seen, ...(asMt ? { asMt } : {}) });
      sent.then(
        (result) => setState({ phase: 'done', result }),
        () => setState({ phase: 'done', result: { status: 'unavailable', reason: 'bad-response' } }),
      );
    },
    [patientId, seen],
  );
  useEffect(() => run('careTeam.get'), [run]);

  // Opened by the "declare me" shortcut: join once the circle shows the professional is not in it.
  const [intentChecked, setIntentChecked] = useState(false);
  useEffect(() => {
    if (intentChecked || state.phase !== 'done' || state.result.status !== 'ok') return;
    setIntentChecked(true);
    if (state.result.members.some((m) => m.me)) return;
    send({ type: 'intent.take' }).then(
      ({ intent }) => intent?.action === 'careTeam.join' && run('careTeam.join'),
      () => undefined,
    );
  }, [state, intentChecked, run]);

  if (state.phase !== 'done') {
    return (
      <section class="circle" aria-busy="true" data-circle={state.phase}>
        <p>{t(state.phase === 'loading' ? 'circleLoading' : 'circleSending')}</p>
      </section>
    );
  }
  const { result } = state;
  if (result.status === 'queued') {
    return (
      <section class="circle" data-circle="queued">
        <h2>{t('circleTitle')}</h2>
        <p class="status" role="status">
          ⏳ {t(result.change === 'leave' ? 'circleQueuedLeave' : 'circleQueuedJoin')}
        </p>
      </section>
    );
  }
  if (result.status !== 'ok') {
    return (
      <section class="circle" data-circle="error">
        <p class="alert" role="alert">
          {failureText(result, 'circle')}
        </p>
        <button type="button" onClick={() => run('careTeam.get')}>
          {t('retry')}
        </button>
      </section>
    );
  }
  const me = result.members.find((m) => m.me);
  // Offered to a physician while the patient has no médecin traitant in the circle.
  const offerMt = physician && !result.members.some((m) => m.mt);
  const joinAsMt = offerMt && (
    <button type="button" class="link" data-circle-join-mt onClick={() => run('careTeam.join', true)}>
      {t(me ? 'circleBecomeMt' : 'circleJoinMt')}
    </button>
  );
  return (
    <section class="circle" aria-labelledby="circle-title" data-circle={me ? 'member' : 'not-member'}>
      <h2 id="circle-title">{t('circleTitle')}</h2>
      {result.refused !== undefined && (
        <p class="alert" role="alert" data-circle-refused>
          {t('circleRefused')} {result.refused}
        </p>
      )}
      {me ? (
        <p class="status ok" role="status">
          ✓ {t('circleYouAreMember', formatDate(me.since.slice(0, 10)))}{' '}
          <button type="button" class="secondary" data-circle-leave onClick={() => run('careTeam.leave')}>
            {t('circleLeave')}
          </button>{' '}
          {joinAsMt}
        </p>
      ) : (
        <p>
          <button type="button" data-circle-join onClick={() => run('careTeam.join')}>
            {t('circleJoin')}
          </button>{' '}
          {joinAsMt}
        </p>
      )}
      {result.members.length === 0 ? (
        <p class="muted">{t('circleEmpty')}</p>
      ) : (
        <ul class="members">
          {result.members.map((m, i) => (
            <li key={i} data-member={m.me ? 'me' : 'other'}>
              <strong>{m.name}</strong> — {m.profession}
              {m.mt && (
                <span class="tag" data-member-mt>
                  {t('circleMt')}
                </span>
              )}
              {m.organization && <span class="muted"> · {m.organization}</span>}
              {m.mssante && (
                <>
                  {' · '}
                  <a href={`mailto:${m.mssante}`} target="_blank" rel="noopener">
                    {m.mssante}
                  </a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
