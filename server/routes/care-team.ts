/**
 * The care circle (issue 6):
 * - `GET /fhir/CareTeam?patient={id}`: the patient's `CareTeam`, with its members' PractitionerRole
 *   and Practitioner included (name, profession, MSSanté address): how to reach them;
 * - `POST /fhir/Patient/{id}/$care-team-join`: the signed-in professional joins (201), or is
 *   already a member (200, nothing changes);
 * - `POST /fhir/Patient/{id}/$care-team-leave`: ends their participation.
 * Who joins or leaves is the token's professional, never a request field. Both operations need an
 * `Idempotency-Key`; both answer with the same searchset as the read. Every change is audited
 * before it is made; every read is audited before it is answered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_HEADER, recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { toFhirCareTeam } from '../fhir/care-team.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { toFhirPractitioner, toFhirPractitionerRoles } from '../fhir/practitioner.ts';
import { activeRoles, isMember, joinCircle, leaveCircle, listCircle } from '../storage/care-team.ts';
import type { Db } from '../storage/database.ts';
import { idempotencyKey, remember, replayOf, type Answer } from '../storage/idempotency.ts';
import { findById } from '../storage/patients.ts';
import { findPractitioners } from '../storage/practitioners.ts';

async function patientOr404(db: Db, id: string) {
  const row = await findById(db, id);
  if (!row) throw new FhirError(404, { code: 'not-found', text: 'Patient inconnu.', diagnostics: 'Patient not found' });
  return row;
}

/** The circle as a searchset: the CareTeam, then each member's roles and practitioner. */
async function circleBundle(db: Db, patient: { id: string; created_at: string }, req: FastifyRequest) {
  const members = await listCircle(db, patient.id);
  const included: unknown[] = [];
  for (const record of await findPractitioners(db, [...new Set(members.map((m) => m.idnps))])) {
    const used = new Set(members.filter((m) => m.idnps === record.practitioner.idnps).map((m) => m.roleId));
    included.push(...toFhirPractitionerRoles(record).filter((r) => used.has(r.id)), toFhirPractitioner(record));
  }
  return searchBundle([toFhirCareTeam(patient, members)], req, included);
}

const send = (reply: FastifyReply, status: number, body: unknown, auditId?: string) => {
  if (auditId) reply.header(AUDIT_HEADER, auditId);
  return reply.code(status).type('application/fhir+json').send(body);
};

export function careTeamRoutes(app: FastifyInstance, db: Db, audit: AuditLog, now = () => new Date()): void {
  app.get('/fhir/CareTeam', async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).patient;
    const id = typeof raw === 'string' ? raw.replace(/^Patient\//, '') : '';
    if (!id) {
      throw new FhirError(400, {
        code: 'required',
        text: 'Indiquez le patient dont vous voulez voir le cercle de soins.',
        diagnostics: 'patient=[id] is required',
      });
    }
    const patient = await patientOr404(db, id);
    const recorded = await recordOrRefuse(audit, {
      kind: 'care-team-read',
      actor: req.professional!,
      patientId: patient.id,
      query: `patient=${patient.id}`,
    });
    return send(reply, 200, await circleBundle(db, patient, req), recorded.id);
  });

  const operation = (name: 'join' | 'leave') =>
    app.post(`/fhir/Patient/:id/$care-team-${name}`, async (req, reply) => {
      const { id } = req.params as { id: string };
      const actor = req.professional!;
      const scope = {
        idnps: actor.idNps,
        key: idempotencyKey(req.headers['idempotency-key']),
        request: `${name} ${id}`,
      };
      const replay = await replayOf(db, scope);
      if (replay) return send(reply.header('idempotent-replayed', 'true'), replay.status, replay.body);

      const patient = await patientOr404(db, id);
      const roles = await activeRoles(db, actor.idNps);
      if (roles.length === 0) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Aucune profession de santé active : vous ne pouvez pas rejoindre un cercle de soins.',
        });
      }
      const open = await isMember(db, patient.id, actor.idNps);
      // Nothing to change: a second declaration, or leaving a circle one is not in.
      if ((name === 'join') === open) {
        const answer = { status: 200, body: await circleBundle(db, patient, req) };
        await remember(db, scope, answer);
        return send(reply, answer.status, answer.body);
      }
      // The change, its audit entry and the answer kept for replays: one transaction.
      const at = now();
      let answer: Answer | undefined;
      const recorded = await recordOrRefuse(
        audit,
        { kind: `care-team-${name}`, actor, patientId: patient.id },
        async (tx) => {
          if (name === 'join') await joinCircle(tx, patient.id, roles[0]!, at);
          else await leaveCircle(tx, patient.id, roles, at);
          answer = { status: name === 'join' ? 201 : 200, body: await circleBundle(tx, patient, req) };
          await remember(tx, scope, answer, at);
        },
      );
      return send(reply, answer!.status, answer!.body, recorded.id);
    });
  operation('join');
  operation('leave');
}
