/**
 * The privacy officer's review of break-glass accesses (issue 8), an extension page (options →
 * "Revue des accès en bris de glace"): every session with who, which patient, why, how long and
 * which documents were opened; a comment marks it reviewed (audited by the platform); a filter;
 * a CSV export. The platform decides who may see this (`AUDIT_READERS`).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ResponseOf, ReviewSession } from '../core/protocol.ts';
import { useAuth } from '../ui/auth.ts';
import { formatDateTime } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { Identity } from '../ui/Identity.tsx';
import { send } from '../ui/messaging.ts';

type Failed = Extract<ResponseOf<'review.list'>, { status: 'signed-out' | 'unavailable' }>;
const failure = (r: Failed) => failureText(r, 'review');
const at = (iso: string) => formatDateTime(Date.parse(iso));

function SessionCard({ session, reload }: { session: ReviewSession; reload: () => void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>();
  const mark = () =>
    send({ type: 'review.mark', id: session.id, comment }).then(
      (r) => (r.status === 'ok' ? (setComment(''), reload()) : setError(failure(r))),
      () => setError(t('unavailable_bad_response')),
    );
  return (
    <article data-session={session.id} data-reviewed={session.reviews.length > 0 ? 'yes' : 'no'}>
      <h2>
        {session.patient.name} — {at(session.startedAt)}
      </h2>
      {session.problems.length > 0 && (
        <div class="alert" role="note" data-review-problems>
          <p>{t('reviewProblems')}</p>
          <ul>
            {session.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <p>
        <strong>{session.actor.name}</strong> (IDNPS {session.actor.idNps}) ·{' '}
        {session.mode === 'bris_de_glace' || session.mode === 'centre_15' ? t(`mode_${session.mode}`) : session.mode} ·{' '}
        {session.minutes === null ? t('reviewOngoing') : t('reviewMinutes', String(session.minutes))}
      </p>
      <p>
        {t('reviewReason')} <strong>{session.reason.label}</strong> — {session.reason.text}
      </p>
      <p data-patient-notice={session.patientNotice?.state ?? 'none'}>
        {t('reviewPatientNotice')}{' '}
        {session.patientNotice
          ? session.patientNotice.state === 'failed'
            ? t('mailFailedPatient', at(session.patientNotice.at), session.patientNotice.error ?? '')
            : t(NOTICE[session.patientNotice.state], at(session.patientNotice.at))
          : t('reviewNoNotice')}
      </p>
      <p>
        {t('reviewDocuments')}{' '}
        {session.documents.length === 0 ? t('reviewNoDocument') : session.documents.map((d) => d.title).join(', ')}
      </p>
      {session.reviews.length > 0 && (
        <>
          <p>{t('reviewHistory')}</p>
          <ul data-review-history>
            {session.reviews.map((v) => (
              <li key={`${v.at}-${v.by}`} class="status ok" data-review-done>
                ✓ {t('reviewDone', at(v.at), v.by)} — {v.comment}
              </li>
            ))}
          </ul>
        </>
      )}
      <label for={`c-${session.id}`}>{t('reviewComment')}</label>
      <textarea
        id={`c-${session.id}`}
        data-review-comment
        rows={2}
        value={comment}
        onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
      />
      <button type="button" data-review-mark disabled={comment.trim() === ''} onClick={mark}>
        {t('reviewMark')}
      </button>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}

const NOTICE = {
  pending: 'mailPending',
  sent: 'mailSent',
  delivered: 'mailDelivered',
  read: 'mailRead',
} as const;

export function Review() {
  const auth = useAuth();
  const [filter, setFilter] = useState<'all' | 'pending' | 'reviewed'>('pending');
  const [list, setList] = useState<ResponseOf<'review.list'> | undefined>();
  const load = useCallback(() => {
    if (!auth.signedIn) return;
    const reviewed = filter === 'all' ? undefined : filter === 'reviewed';
    send({ type: 'review.list', ...(reviewed === undefined ? {} : { reviewed }) }).then(setList, () =>
      setList({ status: 'unavailable', reason: 'bad-response' }),
    );
  }, [auth.signedIn, filter]);
  useEffect(load, [load]);

  const exportCsv = async () => {
    const r = await send({ type: 'review.csv' });
    if (r.status !== 'ok') return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([r.csv], { type: 'text/csv;charset=utf-8' }));
    link.download = 'bris-de-glace.csv';
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <main>
      <h1>{t('reviewTitle')}</h1>
      <Identity auth={auth} />
      {auth.signedIn && (
        <p>
          <label for="review-filter">{t('reviewFilter')}</label>{' '}
          <select
            id="review-filter"
            data-review-filter
            value={filter}
            onChange={(e) => setFilter((e.target as HTMLSelectElement).value as typeof filter)}
          >
            <option value="pending">{t('reviewPending')}</option>
            <option value="reviewed">{t('reviewReviewed')}</option>
            <option value="all">{t('reviewAll')}</option>
          </select>{' '}
          <button type="button" class="secondary" data-review-export onClick={() => void exportCsv()}>
            {t('reviewExport')}
          </button>
        </p>
      )}
      {list && list.status !== 'ok' && (
        <p class="alert" role="alert" data-review="error">
          {failure(list)}
        </p>
      )}
      {list?.status === 'ok' &&
        (list.sessions.length === 0 ? (
          <p class="muted" data-review="empty">
            {t('reviewNone')}
          </p>
        ) : (
          list.sessions.map((s, i) =>
            'unreadable' in s ? (
              <p key={`unreadable-${i}`} class="alert" role="note" data-review-unreadable>
                {t('reviewUnreadable', s.id ?? '?')}
              </p>
            ) : (
              <SessionCard key={s.id} session={s} reload={load} />
            ),
          )
        ))}
    </main>
  );
}
