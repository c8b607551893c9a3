/**
 * The imaging secretariat's page (issue 7), an extension page (options → "Secrétariat d'imagerie"):
 * the centre's exams, a share code created at the end of an exam (single use or not, validity), the
 * patient slip to print (the code, until when, what it opens, how to revoke it), the code sent to
 * the prescriber by MSSanté, and revocation. The platform decides who may do this
 * (`SHARE_CODE_ISSUERS`); a code is shown once, here, and never stored by the extension.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CentreExam, IssuedCode, ResponseOf } from '../core/protocol.ts';
import { useAuth } from '../ui/auth.ts';
import { formatDate, parisDateTime } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { Identity } from '../ui/Identity.tsx';
import { send } from '../ui/messaging.ts';

type Failed = Extract<ResponseOf<'share.centreExams'>, { status: 'signed-out' | 'unavailable' }>;
const failure = (result: Failed) => failureText(result, 'secretariat');
const day = (iso: string) => new Date(iso).toLocaleDateString('fr-FR');
const dateTime = (iso: string) => parisDateTime(iso);
const MAIL_STATES = {
  pending: 'mailPending',
  sent: 'mailSent',
  delivered: 'mailDelivered',
  read: 'mailRead',
} as const;

function Slip({ exam, issued }: { exam: CentreExam; issued: IssuedCode }) {
  return (
    <section class="slip" data-slip>
      <h1>{t('slipTitle')}</h1>
      <p>
        {exam.patient.birthName} {exam.patient.givenNames} — {formatDate(exam.patient.birthDate)}
      </p>
      <p class="issued">{issued.code}</p>
      <p>{t('slipGives', exam.title, day(exam.performedAt))}</p>
      <p>{t('slipUntil', day(issued.expiresAt))}</p>
      {issued.singleUse && <p>{t('slipSingleUse')}</p>}
      <p>{t('slipHow')}</p>
      <p>{t('slipRevoke')}</p>
    </section>
  );
}

function ExamCard({ exam, reload }: { exam: CentreExam; reload: () => void }) {
  const [singleUse, setSingleUse] = useState(false);
  const [issued, setIssued] = useState<IssuedCode | undefined>();
  const [note, setNote] = useState<{ ok: boolean; text: string } | undefined>();

  const act = async <T extends ResponseOf<'share.revoke'> | ResponseOf<'share.issue'>>(
    run: () => Promise<T>,
    ok: (result: Extract<T, { status: 'ok' }>) => string,
  ) => {
    setNote(undefined);
    const result = await run().catch(
      () => ({ status: 'unavailable', reason: 'bad-response' }) as Extract<T, { status: 'unavailable' }>,
    );
    if (result.status !== 'ok') return setNote({ ok: false, text: failure(result as Failed) });
    setNote({ ok: true, text: ok(result as Extract<T, { status: 'ok' }>) });
    reload();
  };

  return (
    <article class={`exam${issued ? ' slip-host' : ''}`} data-exam={exam.id}>
      <h2>
        {exam.patient.birthName} {exam.patient.givenNames}{' '}
        <span class="muted">({formatDate(exam.patient.birthDate)})</span>
      </h2>
      <p>
        {exam.title} — {day(exam.performedAt)}
        {exam.prescriber && ` — ${t('prescribedBy', exam.prescriber)}`}
      </p>
      <p>
        <label>
          <input type="checkbox" checked={singleUse} onChange={() => setSingleUse(!singleUse)} data-single-use />{' '}
          {t('singleUse')}
        </label>{' '}
        <button
          type="button"
          data-issue
          onClick={() =>
            act(
              () => send({ type: 'share.issue', examId: exam.id, singleUse }),
              (r) => {
                setIssued(r.issued);
                return t('codeIssued');
              },
            )
          }
        >
          {t('issueCode')}
        </button>
      </p>
      {issued && (
        <div data-issued>
          <p class="issued" data-issued-code>
            {issued.code}
          </p>
          <p class="muted">{t('slipUntil', day(issued.expiresAt))}</p>
          <button type="button" class="secondary" onClick={() => window.print()}>
            {t('printSlip')}
          </button>{' '}
          {exam.prescriberMssante && (
            <button
              type="button"
              data-send
              onClick={() =>
                act(
                  () => send({ type: 'share.send', codeId: issued.id, code: issued.code }),
                  () => t('codeSent', exam.prescriberMssante!),
                )
              }
            >
              {t('sendToPrescriber')}
            </button>
          )}
          <Slip exam={exam} issued={issued} />
        </div>
      )}
      {note && (
        <p
          class={note.ok ? 'status ok' : 'alert'}
          role={note.ok ? 'status' : 'alert'}
          data-note={note.ok ? 'ok' : 'error'}
        >
          {note.text}
        </p>
      )}
      {exam.codes.length > 0 && (
        <ul class="codes">
          {exam.codes.map((c) => (
            <li key={c.id} data-code={c.status}>
              {t('codeLine', day(c.createdAt), day(c.expiresAt))} — <strong>{t(`codeStatus_${c.status}`)}</strong>
              {c.singleUse && ` · ${t('singleUse')}`}
              {c.sentTo && ` · ${t('sentTo', c.sentTo)}`}
              {c.mail && (
                <span data-mail={c.mail.state} class={c.mail.state === 'failed' ? 'alert' : undefined}>
                  {' · '}
                  {c.mail.state === 'failed'
                    ? t('mailFailed', dateTime(c.mail.at), c.mail.error ?? '')
                    : t(MAIL_STATES[c.mail.state], dateTime(c.mail.at))}
                </span>
              )}
              {c.mail?.unread && (
                <strong class="alert" data-mail-unread>
                  {' '}
                  {t('mailUnread')}
                </strong>
              )}
              {c.firstUse && (
                <span data-first-use>{` · ${t('codeFirstUse', dateTime(c.firstUse.at), c.firstUse.by)}`}</span>
              )}
              {c.status === 'active' && (
                <>
                  {' '}
                  <button
                    type="button"
                    class="secondary"
                    data-revoke
                    onClick={() =>
                      act(
                        () => send({ type: 'share.revoke', codeId: c.id }),
                        () => t('codeRevoked'),
                      )
                    }
                  >
                    {t('revoke')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

export function Secretariat() {
  const auth = useAuth();
  const [exams, setExams] = useState<ResponseOf<'share.centreExams'> | undefined>();
  const load = useCallback(() => {
    if (!auth.signedIn) return;
    send({ type: 'share.centreExams' }).then(setExams, () =>
      setExams({ status: 'unavailable', reason: 'bad-response' }),
    );
  }, [auth.signedIn]);
  useEffect(load, [load]);

  return (
    <main>
      <h1>{t('secretariatTitle')}</h1>
      <Identity auth={auth} />
      {auth.signedIn && !exams && <p aria-busy="true">{t('loading')}</p>}
      {exams && exams.status !== 'ok' && (
        <p class="alert" role="alert" data-secretariat="error">
          {failure(exams)}
        </p>
      )}
      {exams?.status === 'ok' &&
        (exams.exams.length === 0 ? (
          <p class="muted">{t('noExams')}</p>
        ) : (
          exams.exams.map((exam) => <ExamCard key={exam.id} exam={exam} reload={load} />)
        ))}
    </main>
  );
}
