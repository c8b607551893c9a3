/**
 * The privacy officer's review of break-glass sessions (issue 8), for `AUDIT_READERS` (staff
 * without a health profession admitted): every session with its actor, patient, reason, duration
 * and the documents opened; marked reviewed with a comment (itself audited); a CSV export.
 * - `GET /review/break-glass[?reviewed=true|false]` (JSON), `GET /review/break-glass.csv`;
 * - `POST /review/break-glass/{id}` `{ comment }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { BREAK_GLASS_REASONS } from '../record/break-glass.ts';
import type { Db } from '../storage/database.ts';

const csvCell = (value: string) => `"${value.replace(/"/g, '""')}"`;

export function reviewRoutes(
  app: FastifyInstance,
  db: Db,
  audit: AuditLog,
  readers: readonly string[],
  now: () => Date,
) {
  const officer = (req: FastifyRequest) => {
    if (!readers.includes(req.professional!.idNps)) {
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
    const rows = await db
      .selectFrom('break_glass as b')
      .innerJoin('patient as p', 'p.id', 'b.patient_id')
      .selectAll('b')
      .select(['p.birth_name', 'p.given_names', 'p.birth_date'])
      .$if(reviewed === true, (q) => q.where('b.reviewed_at', 'is not', null))
      .$if(reviewed === false, (q) => q.where('b.reviewed_at', 'is', null))
      .orderBy('b.started_at', 'desc')
      .limit(1000)
      .execute();
    const reads = await db
      .selectFrom('break_glass_read as r')
      .innerJoin('record_document as d', 'd.id', 'r.document_id')
      .select(['r.break_glass_id', 'r.at', 'd.title'])
      .where('r.break_glass_id', 'in', rows.map((r) => r.id).concat(''))
      .orderBy('r.at')
      .execute();
    const at = now().getTime();
    return rows.map((r) => {
      const end = r.ended_at ?? (Date.parse(r.expires_at) <= at ? r.expires_at : null);
      return {
        id: r.id,
        actor: { idNps: r.idnps, name: r.actor_name },
        patient: { id: r.patient_id, name: `${r.birth_name} ${r.given_names}`, birthDate: r.birth_date },
        mode: r.mode,
        reason: {
          code: r.reason_code,
          label: BREAK_GLASS_REASONS[r.reason_code as keyof typeof BREAK_GLASS_REASONS] ?? r.reason_code,
          text: r.reason_text,
        },
        startedAt: r.started_at,
        endedAt: end,
        minutes: end ? Math.round((Date.parse(end) - Date.parse(r.started_at)) / 60_000) : null,
        documents: reads.filter((d) => d.break_glass_id === r.id).map((d) => ({ title: d.title, at: d.at })),
        review: r.reviewed_at ? { at: r.reviewed_at, by: r.reviewed_by, comment: r.review_comment } : null,
      };
    });
  };

  app.get('/review/break-glass', staff, async (req) => {
    const actor = officer(req);
    const raw = (req.query as Record<string, unknown>).reviewed;
    await recordOrRefuse(audit, {
      kind: 'audit-search',
      actor,
      query: `break-glass review${raw ? ` reviewed=${String(raw)}` : ''}`,
    });
    return sessions(raw === 'true' ? true : raw === 'false' ? false : undefined);
  });

  app.get('/review/break-glass.csv', staff, async (req, reply) => {
    const actor = officer(req);
    await recordOrRefuse(audit, { kind: 'audit-search', actor, query: 'break-glass review export' });
    const header = [
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
      'revu_le',
      'commentaire',
    ];
    const lines = (await sessions()).map((s) =>
      [
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
        s.review?.at ?? '',
        s.review?.comment ?? '',
      ]
        .map(csvCell)
        .join(';'),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="bris-de-glace.csv"')
      .send(`\uFEFF${[header.join(';'), ...lines].join('\r\n')}\r\n`);
  });

  app.post('/review/break-glass/:id', staff, async (req) => {
    const actor = officer(req);
    const body = z.object({ comment: z.string().trim().min(1).max(2000) }).safeParse(req.body);
    if (!body.success) throw new FhirError(400, { code: 'required', text: 'Écrivez un commentaire de revue.' });
    const { id } = req.params as { id: string };
    const session = await db.selectFrom('break_glass').selectAll().where('id', '=', id).executeTakeFirst();
    if (!session) throw new FhirError(404, { code: 'not-found', text: 'Accès en bris de glace inconnu.' });
    const at = now().toISOString();
    await recordOrRefuse(
      audit,
      { kind: 'break-glass-review', actor, patientId: session.patient_id, detail: { session: id } },
      async (tx) => {
        await tx
          .updateTable('break_glass')
          .set({
            reviewed_at: at,
            reviewed_by: [actor.givenName, actor.familyName].filter(Boolean).join(' '),
            review_comment: body.data.comment,
          })
          .where('id', '=', id)
          .execute();
      },
    );
    return { id, reviewedAt: at };
  });
}
