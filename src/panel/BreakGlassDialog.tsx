/**
 * The deliberate break-glass dialog (issue 8): what is about to happen, stated plainly; the mode
 * (emergency, or centre 15 regulation); a coded reason and a description; an explicit confirmation.
 * Nothing is opened before the platform has recorded the access (it refuses non-physicians and
 * patients' oppositions itself). The last step — the confirmation itself — is in an extension
 * window (`src/break-glass/`), out of the host page's reach.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { BreakGlassReason, type BreakGlassMode } from '../core/break-glass.ts';
import { BreakGlassResult, type ChangeNotice } from '../core/protocol.ts';
import { failureText, reasonText } from '../ui/failure.ts';
import { useChanges } from '../ui/changes.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';
import { useSeen } from './seen.ts';

const REASONS = BreakGlassReason.options;

const FOCUSABLE = 'input, select, textarea, button, a[href]';

export function BreakGlassDialog({
  patientId,
  onOpened,
  onCancel,
}: {
  patientId: string;
  onOpened: (result: Extract<BreakGlassResult, { status: 'ok' }>) => void;
  onCancel: () => void;
}) {
  const [mode, setMode] = useState<BreakGlassMode>('bris_de_glace');
  const [reason, setReason] = useState<(typeof REASONS)[number] | ''>('');
  const [text, setText] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const seen = useSeen();
  const ready = reason !== '' && text.trim().length >= 10 && confirmed && !busy;

  // The final confirmation happens in an extension window the host page cannot reach; this
  // dialog only prepares the request, then waits for the window's outcome.
  const [pendingId, setPendingId] = useState<string | undefined>();
  useChanges(
    useCallback(
      (notice: ChangeNotice) => {
        if (notice.what !== 'breakGlassResult' || notice.pendingId !== pendingId) return;
        const result = BreakGlassResult.safeParse(notice.result);
        setPendingId(undefined);
        setBusy(false);
        if (!result.success) return setError(t('unavailable_bad_response'));
        if (result.data.status === 'ok') return onOpened(result.data);
        setError(failureText(result.data, 'break-glass'));
      },
      [pendingId, onOpened],
    ),
  );

  const open = () => {
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    send({ type: 'record.breakGlassPrepare', patientId, seen, mode, reason, text: text.trim() }).then(
      (result) => {
        if (result.status === 'ok') return setPendingId(result.pendingId);
        setBusy(false);
        setError(failureText(result, 'break-glass'));
      },
      () => {
        setBusy(false);
        setError(t('unavailable_bad_response'));
      },
    );
  };

  // A modal dialog for the keyboard too: focus starts inside, Tab stays inside, Escape cancels.
  const dialog = useRef<HTMLElement>(null);
  useEffect(() => dialog.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      return onCancel();
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const controls = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (c) => !c.hasAttribute('disabled'),
    );
    const edge = event.shiftKey ? controls[0] : controls.at(-1);
    if (document.activeElement === edge) {
      event.preventDefault();
      (event.shiftKey ? controls.at(-1) : controls[0])?.focus();
    }
  };

  return (
    <section
      ref={dialog}
      onKeyDown={onKeyDown}
      class="dialog alert"
      role="dialog"
      aria-modal="true"
      aria-labelledby="bg-title"
      data-break-glass-dialog
    >
      <h3 id="bg-title">{t('breakGlassTitle')}</h3>
      <p>{t('breakGlassWarning')}</p>
      <ul>
        <li>{t('breakGlassFact1')}</li>
        <li>{t('breakGlassFact2')}</li>
        <li>{t('breakGlassFact3')}</li>
      </ul>
      <fieldset>
        <legend>{t('breakGlassMode')}</legend>
        <label>
          <input
            type="radio"
            name="bg-mode"
            checked={mode === 'bris_de_glace'}
            onChange={() => setMode('bris_de_glace')}
          />{' '}
          {t('mode_bris_de_glace')}
        </label>{' '}
        <label>
          <input type="radio" name="bg-mode" checked={mode === 'centre_15'} onChange={() => setMode('centre_15')} />{' '}
          {t('mode_centre_15')}
        </label>
      </fieldset>
      <label for="bg-reason">{t('breakGlassReason')}</label>
      <select
        id="bg-reason"
        data-break-glass-reason
        value={reason}
        onChange={(e) => setReason((e.target as HTMLSelectElement).value as typeof reason)}
      >
        <option value="">{t('breakGlassChoose')}</option>
        {REASONS.map((r) => (
          <option key={r} value={r}>
            {reasonText(r)}
          </option>
        ))}
      </select>
      <label for="bg-text">{t('breakGlassText')}</label>
      <textarea
        id="bg-text"
        data-break-glass-text
        rows={3}
        maxLength={500}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <label class="check">
        <input
          type="checkbox"
          data-break-glass-confirm-box
          checked={confirmed}
          onChange={() => setConfirmed(!confirmed)}
        />{' '}
        {t('breakGlassConfirmText')}
      </label>
      {pendingId && (
        <p class="status" role="status" data-break-glass-waiting>
          {t('breakGlassConfirmInWindow')}
        </p>
      )}
      {error && (
        <p class="alert" role="alert" data-break-glass-error>
          {error}
        </p>
      )}
      <p>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>{' '}
        <button type="button" class="danger" data-break-glass-confirm disabled={!ready} onClick={open}>
          {busy ? t('breakGlassOpening') : t('breakGlassOpen')}
        </button>
      </p>
    </section>
  );
}
