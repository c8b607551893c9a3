/**
 * A document of the shared record (issue 8), read from the platform each time (audited there, with
 * the access mode); in break-glass, the page says so. Nothing is stored by the extension. Above
 * the text, the patient as the platform holds them — birth name, given names, birth date, sex, INS
 * — and what the document is: a document shown alone carries its patient's identity (identity
 * vigilance), whatever its text says.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RecordDoc, RecordText } from '../core/protocol.ts';
import { formatDate } from '../core/format.ts';
import { PatientBanner } from '../ui/PatientBanner.tsx';
import { documentType } from '../core/document-types.ts';
import { failureText, modeLabel } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

export function DocumentPage({ patientId, documentId }: { patientId: string; documentId: string }) {
  const [result, setResult] = useState<RecordText | undefined>();
  useEffect(() => {
    send({ type: 'record.document', patientId, documentId }).then(setResult, () =>
      setResult({ status: 'unavailable', reason: 'bad-response' }),
    );
  }, [patientId, documentId]);
  useEffect(() => {
    // The tab says which document of which patient (several may be open).
    if (result?.status === 'ok') document.title = `${result.document.title} — ${result.patient.birthName}`;
  }, [result]);
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
      <About doc={result.document} />
      <PatientBanner patient={result.patient} />
      <pre data-document-text>{result.text}</pre>
    </main>
  );
}

/** What the document is: its title, kind, date and author. */
function About({ doc }: { doc: RecordDoc }) {
  return (
    <div data-document-about>
      <h1 class="document-title">{doc.title}</h1>
      <p class="muted">
        {[documentType(doc.typeCode), formatDate(doc.date.slice(0, 10)), doc.author, doc.organization]
          .filter(Boolean)
          .join(' · ')}
      </p>
    </div>
  );
}
