/**
 * The patient's page (issue 8), served by the platform at `/patient`: give or withdraw consent for
 * the care circle, oppose break-glass, mask documents, read the notifications (every break-glass
 * access) and the access history from the audit log (who, when, which mode, which reason).
 *
 * Demo sign-in only: the patient is chosen in a list, as the development provider does for
 * professionals; a real deployment signs patients in with FranceConnect / Mon Espace Santé. The
 * session is a random token in an `HttpOnly; SameSite=Strict` cookie scoped to `/patient`, known
 * to the database by its hash for 30 minutes (any platform instance serves it); forms post to the platform's own origin (foreign origins are refused by
 * the app's origin check). Each of the patient's changes is audited with the patient as the agent.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KINDS, type AuditKind } from '../audit/events.ts';
import { recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { reasonLabel } from '../../src/core/break-glass.ts';
import { patientEntries } from '../storage/audit-events.ts';
import { sessionsOfPatient } from '../storage/break-glass.ts';
import { findById } from '../storage/patients.ts';
import { endPatientSession, openPatientSession, patientOfSession } from '../storage/shared-state.ts';
import { tokenHash } from '../identity/dpop.ts';
import { consentOf, saveConsent } from '../storage/consent.ts';
import { documentsOf, findDocument, notificationsOf, setMasked } from '../storage/record.ts';
import { ById } from '../routes/input.ts';
import { DEMO_PATIENTS } from './patients.ts';
import { patientPage, patientLogin, type AccessLine } from './patient-pages.ts';

/** What the page reads of a stored AuditEvent: who, why, and the break-glass session if any. */
const StoredEvent = z.object({
  agent: z.array(z.object({ who: z.object({ display: z.string().optional() }).optional() })).optional(),
  purposeOfEvent: z.array(z.object({ text: z.string().optional() })).optional(),
  entity: z
    .array(z.object({ detail: z.array(z.object({ type: z.string(), valueString: z.string().optional() })).optional() }))
    .optional(),
});
const Flag = z.enum(['0', '1']).optional();
const LoginForm = z.object({ patient: z.string().max(100).optional() });
const ConsentForm = z.object({ circle: Flag, opposed: Flag });
const MaskForm = z.object({ masked: Flag });

const COOKIE = 'passerelle_patient';
const SESSION_MS = 30 * 60_000;
/** What the patient sees in their access history. */
const SHOWN: AuditKind[] = ['record-read', 'document-read', 'break-glass-start', 'break-glass-end', 'patient-read'];

export function patientPageRoutes(app: App, { db, audit, now }: Deps): void {
  const open = { config: { public: true } };

  const tokenOf = (req: FastifyRequest) =>
    /(?:^|;\s*)passerelle_patient=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie ?? '')?.[1];
  // Kept in the database (by the token's hash): any platform instance knows the session.
  const sessionOf = async (req: FastifyRequest) => {
    const token = tokenOf(req);
    const patientId = token ? await patientOfSession(db, tokenHash(token), now()) : undefined;
    return patientId ? { patientId } : undefined;
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

  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.get('/patient', open, async (req, reply) => {
      const session = await sessionOf(req);
      if (!session) return html(reply, patientLogin(DEMO_PATIENTS));
      const patient = (await findById(db, session.patientId))!;
      const consent = await consentOf(db, patient.id);
      const documents = await documentsOf(db, patient.id);
      const notifications = await notificationsOf(db, patient.id);
      const entries = await patientEntries(db, patient.id, SHOWN, 200);
      // Every read of a break-glass session carries the reason given when it started.
      const reasons = new Map(
        (await sessionsOfPatient(db, patient.id)).map((s) => [
          s.id,
          `${reasonLabel(s.reason_code) ?? 'Motif non reconnu'} — ${s.reason_text}`,
        ]),
      );
      const history: AccessLine[] = entries.map((e) => {
        const event = StoredEvent.catch({}).parse(JSON.parse(e.resource));
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

    scope.post('/patient/login', { ...open, schema: { body: LoginForm } }, async (req, reply) => {
      const id = req.body.patient;
      // The demo's sign-in stands in for the patient's own (France Connect): any patient of the platform.
      if (!id || !(await findById(db, id))) return back(reply);
      const token = randomBytes(32).toString('base64url');
      await openPatientSession(db, tokenHash(token), id, new Date(now().getTime() + SESSION_MS));
      reply.header(
        'set-cookie',
        `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/patient; Max-Age=${SESSION_MS / 1000}`,
      );
      return back(reply);
    });

    scope.post('/patient/logout', open, async (req, reply) => {
      const token = tokenOf(req);
      if (token) await endPatientSession(db, tokenHash(token), now());
      reply.header('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/patient; Max-Age=0`);
      return back(reply);
    });

    /** The patient's choices: consent for the care circle, opposition to break-glass. */
    scope.post('/patient/consent', { ...open, schema: { body: ConsentForm } }, async (req, reply) => {
      const session = await sessionOf(req);
      if (!session) return back(reply);
      const body = req.body;
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
        (tx) => saveConsent(tx, session.patientId, next),
      );
      return back(reply);
    });

    scope.post('/patient/documents/:id', { ...open, schema: { params: ById, body: MaskForm } }, async (req, reply) => {
      const session = await sessionOf(req);
      if (!session) return back(reply);
      const masked = req.body.masked === '1';
      const document = req.params.id;
      const owned = await findDocument(db, document);
      if (owned?.patient_id !== session.patientId) return back(reply);
      await recordOrRefuse(
        audit,
        {
          kind: 'document-mask',
          actor: await patientActor(session.patientId),
          patientId: session.patientId,
          detail: { document, masked: masked ? '1' : '0' },
        },
        (tx) => setMasked(tx, document, masked),
      );
      return back(reply);
    });
  });
}
