/**
 * Imaging share codes in the panel (issue 7): the codes found in the open message, each opened in
 * one click ("Ouvrir l'examen"), first in the panel; at its end, a field to type or paste one
 * (checked here first: a typo never reaches the platform) and the exams already shared with the
 * professional. An opened exam shows in the report page, a tab of the extension.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Exam, ExamResult, ExamsResult } from '../core/protocol.ts';
import { CODE_PROBLEMS, formatCode, parseCode } from '../core/share-code.ts';
import { formatDate } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

const openReport = (exam: Pick<Exam, 'id'>) =>
  void send({ type: 'page.open', page: 'report', params: { exam: exam.id } }).catch(() => {});

const failure = (result: Exclude<ExamResult | ExamsResult, { status: 'ok' }>) => failureText(result, 'share');

/** Redeeming a code (typed or found): checked here first, then the platform; the report opens. */
function useRedeem(onRedeemed: () => void) {
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const redeem = (code: string, done?: () => void) => {
    const parsed = parseCode(code);
    if (!parsed.ok) return setMessage({ ok: false, text: CODE_PROBLEMS[parsed.reason] });
    setBusy(parsed.code);
    setMessage(undefined);
    send({ type: 'share.redeem', code: parsed.code }).then(
      (result) => {
        setBusy(undefined);
        if (result.status !== 'ok') return setMessage({ ok: false, text: failure(result) });
        setMessage({ ok: true, text: t('examOpened', result.exam.title) });
        done?.();
        openReport(result.exam);
        onRedeemed();
      },
      () => {
        setBusy(undefined);
        setMessage({ ok: false, text: t('unavailable_bad_response') });
      },
    );
  };
  const result = message && (
    <p
      class={message.ok ? 'status ok' : 'alert'}
      role={message.ok ? 'status' : 'alert'}
      data-share-result={message.ok ? 'ok' : 'refused'}
    >
      {message.text}
    </p>
  );
  return { busy, redeem, result };
}

/** The codes found in the open message, each opened in one click. Shown first in the panel. */
export function FoundCodes({
  found,
  signedIn,
  onRedeemed,
}: {
  found: readonly string[];
  signedIn: boolean;
  onRedeemed: () => void;
}) {
  const { busy, redeem, result } = useRedeem(onRedeemed);
  return (
    <section class="share" aria-labelledby="found-title" data-share-codes>
      <h2 id="found-title">{t('shareTitle')}</h2>
      {found.map((code) => (
        <p key={code} data-share-found={code}>
          {t('shareFound')} <code>{formatCode(code)}</code>{' '}
          <button type="button" data-share-open disabled={!signedIn || busy !== undefined} onClick={() => redeem(code)}>
            {busy === code ? t('shareOpening') : t('shareOpen')}
          </button>
        </p>
      ))}
      {result}
    </section>
  );
}

/** A code typed or pasted, and the exams already shared with the professional. */
export function ShareCodes({ signedIn, redeemed }: { signedIn: boolean; redeemed: number }) {
  const [typed, setTyped] = useState('');
  const [exams, setExams] = useState<Exam[]>([]);
  const [own, setOwn] = useState(0);
  const list = useCallback(() => {
    if (!signedIn) return;
    send({ type: 'share.exams' }).then(
      (result) => result.status === 'ok' && setExams(result.exams),
      () => undefined,
    );
  }, [signedIn]);
  useEffect(list, [list, redeemed, own]);
  const { busy, redeem, result } = useRedeem(() => setOwn((n) => n + 1));

  return (
    <section class="share" aria-labelledby="share-title" data-share>
      <h2 id="share-title">{t('shareTitle')}</h2>
      <form
        data-share-typed
        onSubmit={(e) => {
          e.preventDefault();
          redeem(typed, () => setTyped(''));
        }}
      >
        <label for="share-input">{t('shareInputLabel')}</label>
        <input
          id="share-input"
          data-share-input
          autocomplete="off"
          spellcheck={false}
          placeholder="XXXX-XXXX-XXXX-X"
          value={typed}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        />{' '}
        <button type="submit" class="secondary" disabled={!signedIn || busy !== undefined}>
          {t('shareOpen')}
        </button>
      </form>
      {result}
      {exams.length > 0 && (
        <>
          <h3>{t('sharedExams')}</h3>
          <ul class="exams">
            {exams.map((exam) => (
              <li key={exam.id} data-exam={exam.id}>
                <a
                  href="#"
                  onClick={(e) => {
                    e.preventDefault();
                    openReport(exam);
                  }}
                >
                  {exam.title}
                </a>{' '}
                <span class="muted">
                  {exam.date && formatDate(exam.date.slice(0, 10))} · {exam.organization}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
