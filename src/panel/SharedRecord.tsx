/**
 * The patient's shared record in the panel (issue 8). Opening it is a deliberate, audited act: one
 * button. Then the essential first — alerts, the latest document of each kind, the care circle —
 * and the documents with a filter by kind; a document opens in the document page. Refused (not in
 * the circle, or no consent): the platform's reason, and, when it allows it, the break-glass
 * dialog. In break-glass, the time left is shown throughout, with a button to end it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RecordDocs, RecordSummary } from '../core/protocol.ts';
import { DOCUMENT_TYPES, documentType } from '../core/document-types.ts';
import { formatDate } from '../core/format.ts';
import { failureText, modeLabel } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';
import { BreakGlassDialog } from './BreakGlassDialog.tsx';
import { Countdown } from './Countdown.tsx';
import { useSeen } from './seen.ts';

type State =
  | { phase: 'closed' }
  | { phase: 'loading' }
  | { phase: 'ended' }
  | { phase: 'done'; summary: RecordSummary }
  | { phase: 'break-glass' };

const openDocument = (patientId: string, documentId: string) =>
  void send({ type: 'page.open', page: 'document', params: { patient: patientId, doc: documentId } }).catch(() => {});

const failure = (r: Extract<RecordSummary, { status: 'signed-out' | 'unavailable' }>) => failureText(r, 'record');

function DocumentList({ patientId }: { patientId: string }) {
  const [type, setType] = useState('');
  const [docs, setDocs] = useState<RecordDocs | undefined>();
  const load = (typeCode: string) => {
    setType(typeCode);
    send({ type: 'record.documents', patientId, ...(typeCode ? { typeCode } : {}) }).then(setDocs, () =>
      setDocs({ status: 'unavailable', reason: 'bad-response' }),
    );
  };
  return (
    <div data-documents>
      <h3>{t('recordDocuments')}</h3>
      <label for="doc-type">{t('recordFilter')}</label>{' '}
      <select id="doc-type" data-doc-filter value={type} onChange={(e) => load((e.target as HTMLSelectElement).value)}>
        <option value="">{t('recordAllKinds')}</option>
        {Object.entries(DOCUMENT_TYPES).map(([code, label]) => (
          <option key={code} value={code}>
            {label}
          </option>
        ))}
      </select>{' '}
      {!docs && (
        <button type="button" class="secondary" data-doc-list onClick={() => load(type)}>
          {t('recordShowDocuments')}
        </button>
      )}
      {docs?.status === 'ok' &&
        (docs.documents.length === 0 ? (
          <p class="muted">{t('recordNoDocument')}</p>
        ) : (
          <ul class="documents">
            {docs.documents.map((d) => (
              <li key={d.id} data-doc={d.id}>
                <a href="#" onClick={(e) => (e.preventDefault(), openDocument(patientId, d.id))}>
                  {d.title}
                </a>{' '}
                <span class="muted">
                  {formatDate(d.date.slice(0, 10))} · {documentType(d.typeCode)} · {d.author}
                </span>
              </li>
            ))}
          </ul>
        ))}
      {docs && docs.status !== 'ok' && (
        <p class="alert" role="alert">
          {docs.status === 'refused' ? docs.detail : failure(docs)}
        </p>
      )}
    </div>
  );
}

export function SharedRecord({ patientId }: { patientId: string }) {
  const [state, setState] = useState<State>({ phase: 'closed' });
  const seen = useSeen();
  const load = useCallback(() => {
    setState({ phase: 'loading' });
    send({ type: 'record.summary', patientId, seen }).then(
      (summary) => setState({ phase: 'done', summary }),
      () => setState({ phase: 'done', summary: { status: 'unavailable', reason: 'bad-response' } }),
    );
  }, [patientId, seen]);
  const ended = useCallback(() => setState({ phase: 'ended' }), []);
  // Closing the break-glass dialog gives the focus back to where the keyboard user was.
  const reopen = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || state.phase !== 'closed') return;
    reopen.current?.focus();
    setRefocus(false);
  }, [refocus, state.phase]);
  const endNow = () => void send({ type: 'record.breakGlassEnd', patientId }).finally(ended);

  const title = <h2 id="record-title">{t('recordTitle')}</h2>;
  if (state.phase === 'closed' || state.phase === 'ended') {
    return (
      <section class="record" aria-labelledby="record-title" data-record={state.phase}>
        {title}
        {state.phase === 'ended' && (
          <p class="status" role="status" data-break-glass-ended>
            {t('breakGlassEnded')}
          </p>
        )}
        <button type="button" class="secondary" data-record-open ref={reopen} onClick={load}>
          {t('recordOpen')}
        </button>
      </section>
    );
  }
  if (state.phase === 'loading') {
    return (
      <section class="record" aria-busy="true" data-record="loading">
        {title}
        <p>{t('loading')}</p>
      </section>
    );
  }
  if (state.phase === 'break-glass') {
    return (
      <section class="record" aria-labelledby="record-title" data-record="break-glass">
        {title}
        <BreakGlassDialog
          patientId={patientId}
          onOpened={load}
          onCancel={() => {
            setState({ phase: 'closed' });
            setRefocus(true);
          }}
        />
      </section>
    );
  }
  const { summary } = state;
  if (summary.status === 'refused') {
    return (
      <section class="record" aria-labelledby="record-title" data-record="refused">
        {title}
        <p class="alert" role="alert">
          {summary.detail}
        </p>
        {summary.breakGlass === 'possible' && (
          <button type="button" class="danger" data-break-glass onClick={() => setState({ phase: 'break-glass' })}>
            {t('breakGlassButton')}
          </button>
        )}
      </section>
    );
  }
  if (summary.status !== 'ok') {
    return (
      <section class="record" data-record="error">
        {title}
        <p class="alert" role="alert">
          {failure(summary)}
        </p>
        <button type="button" onClick={load}>
          {t('retry')}
        </button>
      </section>
    );
  }
  const emergency = summary.mode !== 'normal';
  return (
    <section class={`record${emergency ? ' emergency' : ''}`} aria-labelledby="record-title" data-record={summary.mode}>
      {title}
      {emergency && summary.expiresAt && (
        <p class="alert" role="status" data-break-glass-active>
          <strong>{modeLabel(summary.mode)}</strong> — <Countdown until={summary.expiresAt} onEnd={ended} />{' '}
          <button type="button" class="secondary" data-break-glass-end onClick={endNow}>
            {t('breakGlassEnd')}
          </button>
        </p>
      )}
      {summary.alerts.length > 0 && (
        <ul class="alerts" data-alerts>
          {summary.alerts.map((a, i) => (
            <li key={i} class="alert">
              ⚠ {a}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('recordLatest')}</h3>
      <ul class="documents" data-latest>
        {summary.latest.map((d) => (
          <li key={d.id} data-doc={d.id}>
            <strong>{documentType(d.typeCode)}</strong> —{' '}
            <a href="#" onClick={(e) => (e.preventDefault(), openDocument(patientId, d.id))}>
              {d.title}
            </a>{' '}
            <span class="muted">{formatDate(d.date.slice(0, 10))}</span>
          </li>
        ))}
      </ul>
      <h3>{t('recordCircle')}</h3>
      <p class="muted" data-record-circle>
        {summary.circle.length === 0
          ? t('circleEmpty')
          : summary.circle.map((m) => `${m.name} (${m.profession})`).join(', ')}
      </p>
      <DocumentList patientId={patientId} />
    </section>
  );
}
