/** Who is signed in (name, profession, RPPS) with sign-out; or why not, with sign-in. Panel and options. */
import type { Professional } from '../core/protocol.ts';
import { professionLabel } from '../core/psc.ts';
import type { AuthHandle } from './auth.ts';
import { t } from './i18n.ts';

export const professionalName = (p: Professional) => [p.title, p.givenName, p.familyName].filter(Boolean).join(' ');

export function Identity({ auth }: { auth: AuthHandle }) {
  const { view } = auth;
  if (view.phase === 'loading') return <p aria-busy="true">{t('loading')}</p>;
  if (view.phase === 'busy') {
    return (
      <p class="identity" aria-busy="true" data-auth="busy">
        {t('signingIn')}
      </p>
    );
  }
  const { status } = view;
  if (status.state === 'signed-in') {
    const p = status.professional;
    // Staff without a health profession (a secretariat, a privacy officer) are said by their organisation.
    const professions =
      p.professions.map(professionLabel).join(', ') || (p.organization ? undefined : t('noProfession'));
    return (
      <section class="identity" data-auth="signed-in" aria-label={t('identityTitle')}>
        <p>
          <strong>{t('signedInAs', professionalName(p))}</strong>
          <br />
          <span class="muted">
            {[professions, p.rpps && t('rpps', p.rpps), p.organization].filter(Boolean).join(' · ')}
          </span>
        </p>
        <button type="button" class="secondary" onClick={auth.signOut}>
          {t('signOut')}
        </button>
      </section>
    );
  }
  return (
    <section class="identity" data-auth="signed-out" aria-label={t('identityTitle')}>
      {status.reason && (
        <p class={status.reason === 'cancelled' ? 'muted' : 'alert'} role="status">
          {t(`signedOut_${status.reason}`)}
        </p>
      )}
      <p class="muted">{t('signedOutHint')}</p>
      <button type="button" onClick={auth.signIn}>
        {t('signIn')}
      </button>
    </section>
  );
}
