import type { PlatformPatient } from '../core/protocol.ts';
import { formatDate, formatIns } from '../core/format.ts';
import { t } from './i18n.ts';

/**
 * The patient a document or a report belongs to, as the platform holds them: birth name, given
 * names, birth date, sex, INS. A document shown alone carries its patient's identity (identity
 * vigilance), whatever its text says. The document page and the report page.
 */
export function PatientBanner({ patient }: { patient: PlatformPatient }) {
  return (
    <section class="card" aria-labelledby="patient-banner" data-patient-banner={patient.id}>
      <h2 id="patient-banner">
        {t('patientBanner')} <span class="tag">{t(`insKind_${patient.insKind}`)}</span>
      </h2>
      <dl>
        <dt>{t('birthName')}</dt>
        <dd>{patient.birthName}</dd>
        <dt>{t('givenNames')}</dt>
        <dd>{patient.givenNames}</dd>
        <dt>{t('birthDate')}</dt>
        <dd>{formatDate(patient.birthDate)}</dd>
        <dt>{t('sex')}</dt>
        <dd>{t(`sex_${patient.sex}`)}</dd>
        <dt>{t('ins')}</dt>
        <dd class="ins">{formatIns(patient.ins)}</dd>
      </dl>
    </section>
  );
}
