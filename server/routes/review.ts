/**
 * The privacy officer's review of break-glass sessions, for `AUDIT_READERS` (staff without a
 * health profession admitted): every session with its actor, patient, reason, duration, the
 * documents opened and every review so far (each review its own audited entry holding its text;
 * none overwritten); a CSV export safe to open in a spreadsheet.
 * - `GET /review/break-glass[?reviewed=true|false]` (JSON), `GET /review/break-glass.csv`;
 * - `POST /review/break-glass/{id}` `{ comment }`: one more review of that session.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordOrRefuse } from '../audit/log.ts';
import { csvFile } from '../csv.ts';
import type { App, Deps } from '../deps.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { toReviewSessions } from '../record/review.ts';
import { mailState } from '../mail/state.ts';
import { addReview, findSession, reviewRows } from '../storage/break-glass.ts';
import { mailsAbout } from '../storage/mail-outbox.ts';
import { ById } from './input.ts';

const ListQuery = z.object({ reviewed: z.enum(['true', 'false'], { error: 'Filtre de revue invalide.' }).optional() });
const ReviewBody = z.strictObject({
  comment: z
    .string({ error: 'Écrivez un commentaire de revue.' })
    .trim()
    .min(1, 'Écrivez un commentaire de revue.')
    .max(2000),
});

const CSV_HEADER = [
  'debut',
  'fin',
  'minutes',
  'mode',
  'professionnel',
  'idnps',
  'patient',
  'motif',
  'precision',
  'documents',
  'revues',
  'problemes',
];

export function reviewRoutes(app: App, { db, audit, config, now }: Deps): void {
  const officer = (req: FastifyRequest) => {
    if (!config.audit.readers.includes(req.professional!.idNps)) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'La revue des accès en bris de glace est réservée aux responsables de la protection des données.',
        diagnostics: 'AUDIT_READERS only',
      });
    }
    return req.professional!;
  };
  const staff = { config: { staff: true } };
  const sessions = async (reviewed?: boolean) => {
    const list = toReviewSessions(
      await reviewRows(db, { ...(reviewed === undefined ? {} : { reviewed }), limit: 1000 }),
      now(),
    );
    // Was the patient told? The MSSanté message of each session, as far as it went.
    const mails = await mailsAbout(
      db,
      list.flatMap((s) => ('unreadable' in s || !s.id ? [] : [s.id])),
    );
    return list.map((s) =>
      'unreadable' in s
        ? s
        : {
            ...s,
            patientNotice: mailState(
              mails.find((m) => m.ref === s.id),
              now(),
              config.mail.unreadHours,
            ),
          },
    );
  };

  app.get('/review/break-glass', { ...staff, schema: { querystring: ListQuery } }, async (req) => {
    const actor = officer(req);
    const { reviewed } = req.query;
    await recordOrRefuse(audit, {
      kind: 'audit-search',
      actor,
      query: `break-glass review${reviewed ? ` reviewed=${reviewed}` : ''}`,
    });
    return sessions(reviewed === undefined ? undefined : reviewed === 'true');
  });

  app.get('/review/break-glass.csv', staff, async (req, reply) => {
    const actor = officer(req);
    await recordOrRefuse(audit, { kind: 'audit-search', actor, query: 'break-glass review export' });
    const rows = (await sessions()).map((s) => [
      s.startedAt,
      s.endedAt ?? '',
      s.minutes === null ? '' : String(s.minutes),
      s.mode,
      s.actor.name,
      s.actor.idNps,
      s.patient.name,
      s.reason.label,
      s.reason.text,
      s.documents.map((d) => d.title).join(' | '),
      s.reviews.map((v) => `${v.at} ${v.by} : ${v.comment}`).join(' | '),
      s.problems.join(' '),
    ]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="bris-de-glace.csv"')
      .send(csvFile(CSV_HEADER, rows));
  });

  app.post('/review/break-glass/:id', { ...staff, schema: { params: ById, body: ReviewBody } }, async (req) => {
    const actor = officer(req);
    const { id } = req.params;
    const { comment } = req.body;
    const session = await findSession(db, id);
    if (!session) throw new FhirError(404, { code: 'not-found', text: 'Accès en bris de glace inconnu.' });
    const at = now().toISOString();
    await recordOrRefuse(
      audit,
      { kind: 'break-glass-review', actor, patientId: session.patient_id, detail: { session: id, comment } },
      (tx) =>
        addReview(tx, {
          id: randomUUID(),
          break_glass_id: id,
          at,
          reviewer_idnps: actor.idNps,
          reviewer_name: [actor.givenName, actor.familyName].filter(Boolean).join(' '),
          comment,
        }),
    );
    return { id, reviewedAt: at };
  });
}
