/**
 * The demo's images viewer (issue 7): what a PACS viewer link would open. A drawn placeholder, no
 * patient data: a real viewer authenticates its users itself.
 */
import type { App, Deps } from '../deps.ts';
import { findExam } from '../storage/exams.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { escapeHtml } from '../html.ts';
import { ById } from '../routes/input.ts';

export function demoViewerRoute(app: App, { db }: Deps): void {
  app.get('/demo/viewer/:id', { config: { public: true }, schema: { params: ById } }, async (req, reply) => {
    const exam = await findExam(db, req.params.id);
    if (!exam) throw new FhirError(404, { code: 'not-found', text: 'Examen inconnu.' });
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="fr"><head><meta charset="utf-8" />
<title>Visionneuse d’images (démo)</title>
<style>body{margin:0;background:#111;color:#ddd;font:14px system-ui;display:grid;place-items:center;height:100vh}</style></head>
<body><figure data-viewer="${escapeHtml(exam.id)}"><svg width="360" height="360" viewBox="0 0 360 360" role="img" aria-label="Image de démonstration">
<rect width="360" height="360" fill="#000"/><ellipse cx="180" cy="180" rx="140" ry="120" fill="#333"/>
<ellipse cx="125" cy="180" rx="50" ry="80" fill="#111"/><ellipse cx="235" cy="180" rx="50" ry="80" fill="#111"/>
<rect x="170" y="70" width="20" height="220" fill="#bbb"/></svg>
<figcaption>Modalité ${escapeHtml(exam.modality)} — images de démonstration (visionneuse fictive)</figcaption></figure></body></html>`);
  });
}
