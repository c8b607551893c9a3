/**
 * The report page (issue 7): an imaging exam the professional was given access to (by redeeming
 * its share code) — its patient as the platform holds them (a code can come from anyone: the
 * banner is what tells the professional whose exam it is), the report, then the link to its images. Read from the platform each time it
 * opens (audited there as a read); nothing of it is stored by the extension.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ReportResult } from '../core/protocol.ts';
import { formatDate } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { PatientBanner } from '../ui/PatientBanner.tsx';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

export function Report({ examId }: { examId: string }) {
  const [result, setResult] = useState<ReportResult | undefined>();
  useEffect(() => {
    send({ type: 'share.exam', examId }).then(setResult, () =>
      setResult({ status: 'unavailable', reason: 'bad-response' }),
    );
  }, [examId]);

  if (!result) return <p aria-busy="true">{t('loading')}</p>;
  if (result.status !== 'ok') {
    return (
      <main>
        <p class="alert" role="alert" data-report="error">
          {failureText(result, 'report')}
        </p>
      </main>
    );
  }
  const { exam, patient } = result;
  document.title = `${exam.title} — ${patient.birthName}`;
  return (
    <main data-report={exam.id}>
      <h1>{exam.title}</h1>
      <p class="muted">
        {exam.date && formatDate(exam.date.slice(0, 10))} · {exam.organization}
      </p>
      <PatientBanner patient={patient} />
      {exam.imagesUrl && (
        <p>
          <a class="button" href={exam.imagesUrl} target="_blank" rel="noopener" data-report-images>
            {t('reportImages')}
          </a>
        </p>
      )}
      <h2>{t('reportTitle')}</h2>
      <pre data-report-text>{exam.report ?? ''}</pre>
    </main>
  );
}
