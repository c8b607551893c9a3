/**
 * The patient's page (issue 8), served by the platform at `/patient`: give or withdraw consent for
 * the care circle, oppose break-glass, mask documents, read the notifications (every break-glass
 * access) and the access history from the audit log (who, when, which mode, which reason).
 *
 * Demo sign-in only: the patient is chosen in a list, as the development provider does for
 * professionals; a real deployment signs patients in with FranceConnect / Mon Espace Santé. The
 * session is a random token in an `HttpOnly; SameSite=Strict` cookie scoped to `/patient`, kept in
 * memory for 30 minutes; forms post to the platform's own origin (foreign origins are refused by
 * the app's origin check). Each of the patient's changes is audited with the patient as the agent.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KINDS, type AuditKind } from '../audit/events.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { consentOf } from '../record/access.ts';
import { reasonLabel } from '../../src/core/break-glass.ts';
import { sessionsOfPatient } from '../storage/break-glass.ts';
import type { Db } from '../storage/database.ts';
import { findById } from '../storage/patients.ts';
import { DEMO_PATIENTS } from '../demo/patients.ts';
import { patientPage, patientLogin, type AccessLine } from '../patient/pages.ts';

const COOKIE = 'passerelle_patient';
const SESSION_MS = 30 * 60_000;
/** What the patient sees in their access history. */
const SHOWN: AuditKind[] = ['record-read', 'document-read', 'break-glass-start', 'break-glass-end', 'patient-read'];

export function patientPageRoutes(app: FastifyInstance, db: Db, audit: AuditLog, now: () => Date): void {
  const sessions = new Map<string, { patientId: string; until: number }>();
  const open = { config: { public: true } };

  const sessionOf = (req: FastifyRequest) => {
    const token = /(?:^|;\s*)passerelle_patient=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie ?? '')?.[1];
    const session = token ? sessions.get(token) : undefined;
    if (!session || session.until < Date.now()) return undefined;
    return session;
  };
  const html = (reply: FastifyReply, body: string) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .send(body);
  const back = (reply: FastifyReply) => reply.code(303).header('location', '/patient').send();
  const patientActor = async (patientId: string) => {
    const p = (await findById(db, patientId))!;
    return { patientId, name: `${p.given_names} ${p.birth_name}` };
  };

  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, string>;

    scope.get('/patient', open, async (req, reply) => {
      const session = sessionOf(req);
      if (!session) return html(reply, patientLogin(DEMO_PATIENTS));
      const patient = (await findById(db, session.patientId))!;
      const consent = await consentOf(db, patient.id);
      const documents = await db
        .selectFrom('record_document')
        .selectAll()
        .where('patient_id', '=', patient.id)
        .orderBy('date', 'desc')
        .execute();
      const notifications = await db
        .selectFrom('patient_notification')
        .selectAll()
        .where('patient_id', '=', patient.id)
        .orderBy('at', 'desc')
        .execute();
      const entries = await db
        .selectFrom('audit_event')
        .select(['recorded', 'kind', 'mode', 'resource'])
        .where('patient_id', '=', patient.id)
        .where('kind', 'in', SHOWN)
        .orderBy('seq', 'desc')
        .limit(200)
        .execute();
      // Every read of a break-glass session carries the reason given when it started.
      const reasons = new Map(
        (await sessionsOfPatient(db, patient.id)).map((s) => [
          s.id,
          `${reasonLabel(s.reason_code) ?? 'Motif non reconnu'} — ${s.reason_text}`,
        ]),
      );
      const history: AccessLine[] = entries.map((e) => {
        const event = JSON.parse(e.resource) as {
          agent?: { who?: { display?: string } }[];
          purposeOfEvent?: { text?: string }[];
          entity?: { detail?: { type: string; valueString: string }[] }[];
        };
        const session = event.entity?.[0]?.detail?.find((d) => d.type === 'session')?.valueString;
        return {
          at: e.recorded,
          who: event.agent?.[0]?.who?.display ?? '',
          what: KINDS[e.kind as AuditKind]?.label ?? e.kind,
          mode: e.mode,
          reason: event.purposeOfEvent?.[0]?.text ?? (session ? (reasons.get(session) ?? '') : ''),
        };
      });
      return html(reply, patientPage({ patient, consent, documents, notifications, history }));
    });

    scope.post('/patient/login', open, async (req, reply) => {
      const id = form(req).patient;
      if (!DEMO_PATIENTS.some((p) => p.id === id)) return back(reply);
      const token = randomBytes(32).toString('base64url');
      sessions.set(token, { patientId: id!, until: Date.now() + SESSION_MS });
      reply.header(
        'set-cookie',
        `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/patient; Max-Age=${SESSION_MS / 1000}`,
      );
      return back(reply);
    });

    scope.post('/patient/logout', open, async (req, reply) => {
      const token = /(?:^|;\s*)passerelle_patient=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie ?? '')?.[1];
      if (token) sessions.delete(token);
      reply.header('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/patient; Max-Age=0`);
      return back(reply);
    });

    /** The patient's choices: consent for the care circle, opposition to break-glass. */
    scope.post('/patient/consent', open, async (req, reply) => {
      const session = sessionOf(req);
      if (!session) return back(reply);
      const body = form(req);
      const consent = await consentOf(db, session.patientId);
      const next = {
        circle_access: body.circle === undefined ? consent.circle_access : body.circle === '1' ? 1 : 0,
        break_glass_opposed: body.opposed === undefined ? consent.break_glass_opposed : body.opposed === '1' ? 1 : 0,
        updated_at: now().toISOString(),
      };
      // The patient's choice and its audit entry: both, or neither.
      await recordOrRefuse(
        audit,
        {
          kind: 'consent-change',
          actor: await patientActor(session.patientId),
          patientId: session.patientId,
          detail: { circle: String(next.circle_access), opposed: String(next.break_glass_opposed) },
        },
        async (tx) => {
          await tx
            .insertInto('consent')
            .values({ patient_id: session.patientId, ...next })
            .onConflict((oc) => oc.column('patient_id').doUpdateSet(next))
            .execute();
        },
      );
      return back(reply);
    });

    scope.post('/patient/documents/:id', open, async (req, reply) => {
      const session = sessionOf(req);
      if (!session) return back(reply);
      const masked = form(req).masked === '1' ? 1 : 0;
      const document = (req.params as { id: string }).id;
      const owned = await db
        .selectFrom('record_document')
        .select('id')
        .where('id', '=', document)
        .where('patient_id', '=', session.patientId)
        .executeTakeFirst();
      if (!owned) return back(reply);
      await recordOrRefuse(
        audit,
        {
          kind: 'document-mask',
          actor: await patientActor(session.patientId),
          patientId: session.patientId,
          detail: { document, masked: String(masked) },
        },
        async (tx) => {
          await tx.updateTable('record_document').set({ masked }).where('id', '=', document).execute();
        },
      );
      return back(reply);
    });
  });
}
