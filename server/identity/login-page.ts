/** The development provider's pages: choose a fictitious professional, or an error. French, no script. */
import type { DevProfessional } from './dev-professionals.ts';
import { escapeHtml } from '../html.ts';

const page = (title: string, body: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f3f5f9; color: #1b2430; }
  main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  .dev { background: #fff4d6; border-left: 4px solid #c98a00; padding: .5rem .75rem; font-size: .9rem; }
  ul { list-style: none; padding: 0; } li { margin: .5rem 0; }
  button { width: 100%; text-align: left; padding: .75rem 1rem; font: inherit; border: 1px solid #b6c2d4;
    border-radius: 6px; background: #fff; cursor: pointer; }
  button:hover, button:focus { border-color: #000091; outline: 2px solid #000091; }
  small { color: #4a5566; display: block; }
  .cancel { width: auto; border: none; text-decoration: underline; background: none; }
</style></head>
<body><main>${body}</main></body></html>`;

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

export function errorPage(message: string): string {
  return page('Erreur de connexion', `<h1>Connexion impossible</h1><p>${escapeHtml(message)}</p>`);
}
