/**
 * Identity vigilance, after a disagreement or when the page does not show enough to compare:
 * nothing may be done for this patient until the professional states, deliberately (two steps),
 * that the page's patient is this INS's patient (naming the traits that differ or are not shown).
 * The statement is recorded by the platform (audited) before it counts; a refusal or an outage
 * leaves the patient unconfirmed.
 */
import { useState } from 'preact/hooks';
import type { IdentityConfirmation, PlatformPatient } from '../core/protocol.ts';
import type { Trait } from '../core/traits.ts';
import { formatDate, formatTime } from '../core/format.ts';
import { failureText } from '../ui/failure.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';
import { useSeen } from './seen.ts';

type Phase = 'idle' | 'asking' | 'sending' | 'failed';

/** A confirmation covers the page if it named every trait that differs, and every one not shown, now. */
export const covers = (
  confirmation: IdentityConfirmation | undefined,
  differing: readonly Trait[],
  unverified: readonly Trait[],
) =>
  confirmation !== undefined &&
  differing.every((trait) => confirmation.traits.includes(trait)) &&
  unverified.every((trait) => confirmation.unverified.includes(trait) || confirmation.traits.includes(trait));

export function IdentityConfirm({
  patient,
  differing,
  unverified,
  confirmed,
  onConfirmed,
}: {
  patient: PlatformPatient;
  differing: readonly Trait[];
  unverified: readonly Trait[];
  confirmed?: IdentityConfirmation;
  onConfirmed: (confirmation: IdentityConfirmation) => void;
}) {
  const [phase, setPhase] = useState<Phase>('idle');
  const seen = useSeen();
  const [detail, setDetail] = useState<string>();

  if (covers(confirmed, differing, unverified)) {
    return (
      <p class="status" role="status" data-vigilance-confirmed>
        {t('identityConfirmed', formatTime(confirmed!.at))}
      </p>
    );
  }

  const confirm = async () => {
    setPhase('sending');
    try {
      const result = await send({
        type: 'identity.confirm',
        patientId: patient.id,
        seen,
        traits: [...differing],
        unverified: [...unverified],
      });
      if (result.status === 'recorded') {
        onConfirmed(result.confirmation);
        return setPhase('idle');
      }
      setDetail(failureText(result, 'lookup'));
    } catch {
      setDetail(undefined);
    }
    setPhase('failed');
  };

  if (phase === 'idle' || phase === 'failed') {
    return (
      <div data-vigilance-confirm={phase}>
        <p class="muted">{t('actionsBlocked')}</p>
        <button type="button" class="secondary" onClick={() => setPhase('asking')}>
          {t('confirmIdentityAsk')}
        </button>
        {phase === 'failed' && (
          <p class="alert" role="alert">
            {t('confirmIdentityFailed')} {detail}
          </p>
        )}
      </div>
    );
  }
  return (
    <div class="confirm" role="group" aria-labelledby="confirm-title" data-vigilance-confirm={phase}>
      <p id="confirm-title">
        <strong>
          {t(
            differing.length > 0 ? 'confirmIdentityStatement' : 'confirmIdentityUnverifiedStatement',
            `${patient.birthName} ${patient.givenNames}`,
            formatDate(patient.birthDate),
            (differing.length > 0 ? differing : unverified).map((d) => t(`trait_${d}`)).join(', '),
          )}
        </strong>
      </p>
      <p class="muted">{t('confirmIdentityRecorded')}</p>
      <button type="button" onClick={confirm} disabled={phase === 'sending'} data-confirm>
        {t('confirmIdentityYes')}
      </button>{' '}
      <button type="button" class="secondary" onClick={() => setPhase('idle')}>
        {t('cancel')}
      </button>
    </div>
  );
}
