/** The development provider's pages: choose a fictitious professional, or an error. French, no script. */
import type { DevProfessional } from './dev-professionals.ts';
import { escapeHtml, page } from '../html.ts';

export function loginPage(uid: string, professionals: readonly DevProfessional[]): string {
  const items = professionals
    .map(
      (p) => `<li><button type="submit" name="account" value="${escapeHtml(p.accountId)}" data-rpps="${p.rpps}">
        <strong>${p.doctor ? 'Dr ' : ''}${escapeHtml(p.givenName)} ${escapeHtml(p.familyName)}</strong>
        <small>${escapeHtml(p.profession?.label ?? p.job ?? '')} · ${p.rpps ? `RPPS ${p.rpps}` : `IDNPS ${p.idNps ?? ''}`} · ${escapeHtml(p.organization)}</small>
      </button></li>`,
    )
    .join('');
  return page(
    'Connexion — fournisseur d’identité de développement',
    `<h1>Pro Santé Connect (développement)</h1>
     <p class="dev">Fournisseur d’identité de <strong>développement</strong> : identités fictives, sans carte CPS
     ni e-CPS. En production, l’extension s’adresse à Pro Santé Connect.</p>
     <form method="post" action="/interaction/${escapeHtml(uid)}/login">
       <p>Choisissez le professionnel de test :</p>
       <ul>${items}</ul>
     </form>
     <form method="post" action="/interaction/${escapeHtml(uid)}/abort">
       <button type="submit" class="cancel">Annuler</button>
     </form>`,
  );
}

export { errorPage } from '../html.ts';
