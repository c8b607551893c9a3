import type { DetectedPatient } from '../core/protocol.ts';
import { formatDate, formatIns } from '../core/format.ts';
import { t } from '../ui/i18n.ts';

export const displayName = (p: DetectedPatient) =>
  p.displayName ?? ([p.familyName, p.givenNames].filter(Boolean).join(' ') || '—');

export function PatientChoice({
  patients,
  onChoose,
}: {
  patients: DetectedPatient[];
  onChoose: (p: DetectedPatient) => void;
}) {
  return (
    <>
      <p>{t('choosePatient')}</p>
      <ul class="choices">
        {patients.map((p, i) => (
          <li key={i}>
            <button type="button" onClick={() => onChoose(p)}>
              <strong>{displayName(p)}</strong>
              {p.birthDate && ` — ${formatDate(p.birthDate)}`}
              {p.ins && (
                <span class="muted">
                  {' '}
                  · <span class="ins">{formatIns(p.ins.value)}</span>
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
