/**
 * A document of the shared record (issue 8), read from the platform each time (audited there, with
 * the access mode); in break-glass, the page says so. Nothing is stored by the extension.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RecordText } from '../core/protocol.ts';
import { failureText, modeLabel } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

export function DocumentPage({ documentId }: { documentId: string }) {
  const [result, setResult] = useState<RecordText | undefined>();
  useEffect(() => {
    send({ type: 'record.document', documentId }).then(setResult, () =>
      setResult({ status: 'unavailable', reason: 'bad-response' }),
    );
  }, [documentId]);
  if (!result) return <p aria-busy="true">{t('loading')}</p>;
  if (result.status !== 'ok') {
    const text = result.status === 'refused' ? result.detail : failureText(result, 'document');
    return (
      <main>
        <p class="alert" role="alert" data-document="error">
          {text}
        </p>
      </main>
    );
  }
  return (
    <main data-document={documentId}>
      {result.mode !== 'normal' && (
        <p class="alert" role="status" data-document-mode={result.mode}>
          {modeLabel(result.mode)} — {t('documentEmergency')}
        </p>
      )}
      <pre data-document-text>{result.text}</pre>
    </main>
  );
}
