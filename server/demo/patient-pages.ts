/** The patient's pages (HTML, French, no script): sign-in (demo) and their record's settings. */
import type { ConsentTable, PatientNotificationTable, PatientTable, RecordDocumentTable } from '../storage/schema.ts';
import { escapeHtml } from '../html.ts';
import { documentType } from '../../src/core/document-types.ts';
import { parisDateTime } from '../../src/core/format.ts';

const MODES: Record<string, string> = { normal: 'normal', bris_de_glace: 'bris de glace', centre_15: 'centre 15' };

const page = (title: string, body: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8" /><title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; color: #1d2733; max-width: 860px; margin: 24px auto; padding: 0 16px; }
  h1 { color: #0b5394; } section { border: 1px solid #d6dde4; border-radius: 8px; padding: 8px 16px; margin: 16px 0; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef1f4; }
  .alert { background: #fff4e5; border-left: 4px solid #e69500; padding: 8px 12px; }
  button { font: inherit; padding: 4px 10px; } .muted { color: #5b6875; }
</style></head><body><main>${body}</main></body></html>`;

export function patientLogin(patients: readonly Pick<PatientTable, 'id' | 'birth_name' | 'given_names'>[]): string {
  return page(
    'Mon dossier — connexion (démonstration)',
    `<h1>Mon dossier partagé</h1>
     <p class="muted">Démonstration : choisissez un patient fictif. En service réel, le patient se connecte
     avec FranceConnect / Mon Espace Santé.</p>
     <form method="post" action="/patient/login">${patients
       .map(
         (p) =>
           `<p><button type="submit" name="patient" value="${escapeHtml(p.id)}" data-patient="${escapeHtml(p.id)}">${escapeHtml(p.given_names)} ${escapeHtml(p.birth_name)}</button></p>`,
       )
       .join('')}</form>`,
  );
}

export interface AccessLine {
  at: string;
  who: string;
  what: string;
  mode: string;
  reason: string;
}

export function patientPage(input: {
  patient: Pick<PatientTable, 'given_names' | 'birth_name'>;
  consent: Pick<ConsentTable, 'circle_access' | 'break_glass_opposed'>;
  documents: RecordDocumentTable[];
  notifications: PatientNotificationTable[];
  history: AccessLine[];
}): string {
  const { patient, consent } = input;
  const yesNo = (name: string, value: number, yes: string, no: string) =>
    `<form method="post" action="/patient/consent"><input type="hidden" name="${name}" value="${value === 1 ? '0' : '1'}" />
     <button type="submit" data-toggle="${name}">${value === 1 ? no : yes}</button></form>`;
  return page(
    'Mon dossier partagé',
    `<h1>Mon dossier partagé</h1>
     <p>${escapeHtml(patient.given_names)} ${escapeHtml(patient.birth_name)} <span class="muted">— démonstration</span></p>
     <form method="post" action="/patient/logout"><button type="submit">Se déconnecter</button></form>
     <section aria-label="Alertes" data-notifications>
       <h2>Accès d’urgence à votre dossier</h2>
       ${
         input.notifications.length === 0
           ? '<p class="muted">Aucun accès d’urgence.</p>'
           : input.notifications.map((n) => `<p class="alert" data-notification>${escapeHtml(n.text)}</p>`).join('')
       }
     </section>
     <section data-consent="${consent.circle_access === 1 ? 'permit' : 'deny'}">
       <h2>Qui peut consulter mon dossier</h2>
       <p>${
         consent.circle_access === 1
           ? 'Les professionnels de mon équipe de soins (cercle de soins) peuvent consulter mon dossier.'
           : 'Personne ne peut consulter mon dossier, sauf en cas d’urgence si je ne m’y suis pas opposé(e).'
       }</p>
       ${yesNo('circle', consent.circle_access, 'Autoriser mon équipe de soins', 'Retirer mon consentement')}
     </section>
     <section data-opposition="${consent.break_glass_opposed === 1 ? 'opposed' : 'allowed'}">
       <h2>Accès en urgence (bris de glace)</h2>
       <p>${
         consent.break_glass_opposed === 1
           ? 'Vous vous êtes opposé(e) à l’accès en urgence : aucun médecin ne peut ouvrir votre dossier en bris de glace.'
           : 'En cas d’urgence, si vous ne pouvez pas exprimer votre volonté, un médecin peut ouvrir votre dossier (bris de glace). Vous en êtes informé(e).'
       }</p>
       ${yesNo('opposed', consent.break_glass_opposed, 'M’opposer à l’accès en urgence', 'Lever mon opposition')}
     </section>
     <section>
       <h2>Mes documents</h2>
       <p class="muted">Un document masqué n’est visible par aucun professionnel, même en urgence.</p>
       <table><tbody>${input.documents
         .map(
           (
             d,
           ) => `<tr data-document="${escapeHtml(d.id)}" data-masked="${d.masked}"><td>${escapeHtml(d.title)}</td><td>${escapeHtml(documentType(d.type_code))}</td>
           <td>${parisDateTime(d.date)}</td><td><form method="post" action="/patient/documents/${escapeHtml(d.id)}">
           <input type="hidden" name="masked" value="${d.masked === 1 ? '0' : '1'}" />
           <button type="submit">${d.masked === 1 ? 'Rendre visible' : 'Masquer'}</button></form></td></tr>`,
         )
         .join('')}</tbody></table>
     </section>
     <section data-history>
       <h2>Historique des accès à mon dossier</h2>
       <table><thead><tr><th>Quand</th><th>Qui</th><th>Quoi</th><th>Mode</th><th>Motif</th></tr></thead><tbody>${input.history
         .map(
           (h) =>
             `<tr data-access="${escapeHtml(h.mode)}"><td>${parisDateTime(h.at)}</td><td>${escapeHtml(h.who)}</td><td>${escapeHtml(h.what)}</td><td>${escapeHtml(MODES[h.mode] ?? h.mode)}</td><td>${escapeHtml(h.reason)}</td></tr>`,
         )
         .join('')}</tbody></table>
     </section>`,
  );
}
