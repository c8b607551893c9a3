/**
 * The time left of a break-glass access, visible at all times while it lasts; says when it ends.
 * Screen readers are not told every second (the timer is `aria-live=off`): a polite announcement
 * says when 5 minutes, then 1 minute, are left.
 */
import { useEffect, useState } from 'preact/hooks';
import { milestoneOf } from '../ui/announce.ts';
import { t } from '../ui/i18n.ts';

export function Countdown({ until, onEnd }: { until: string; onEnd: () => void }) {
  const [now, setNow] = useState(Date.now());
  const left = Math.max(0, Date.parse(until) - now);
  useEffect(() => {
    if (left === 0) {
      onEnd();
      return;
    }
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [now, left, onEnd]);
  const minutes = Math.floor(left / 60_000);
  const seconds = Math.floor((left % 60_000) / 1000);
  const milestone = milestoneOf(left);
  return (
    <>
      <span class="countdown" role="timer" aria-live="off" data-countdown={Math.ceil(left / 1000)}>
        {t('breakGlassLeft', `${minutes}:${String(seconds).padStart(2, '0')}`)}
      </span>
      <span class="visually-hidden" role="status" data-countdown-announce>
        {milestone ? t('breakGlassAnnounce', String(milestone)) : ''}
      </span>
    </>
  );
}
