/**
 * The care circle (issue 6):
 * - `GET /fhir/CareTeam?patient={id}`: the patient's `CareTeam`, with its members' PractitionerRole
 *   and Practitioner included (name, profession, organisation, MSSanté address): how to reach them;
 * - `POST /fhir/Patient/{id}/$care-team-join`: the signed-in professional joins (201), or is
 *   already a member (200, nothing changes). A physician may join as médecin traitant with a
 *   `Parameters` body `role` = `PCP` (one per patient: another's declaration answers 409);
 * - `POST /fhir/Patient/{id}/$care-team-leave`: ends their participation.
 * Who joins or leaves is the token's professional, never a request field. Both operations need an
 * `Idempotency-Key`; both answer with the same searchset as the read. Every change is audited in
 * the transaction that makes it; every read is audited before it is answered.
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_HEADER, recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { circleIncludes, memberName, toFhirCareTeam } from '../fhir/care-team.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { optionalParametersBody } from '../fhir/parameters.ts';
import { MEDECIN_TRAITANT } from '../../src/core/care-team.ts';
import { parisDay } from '../../src/core/format.ts';
import { PHYSICIAN } from '../../src/core/psc.ts';
import {
  current,
  declarationReads,
  joinAndKeep,
  leaveAndKeep,
  leaveCircle,
  listCircle,
  newParticipation,
  type Member,
} from '../storage/care-team.ts';
import {
  answeredMeanwhile,
  idempotencyKey,
  keepInstead,
  keptAnswer,
  remember,
  replayFrom,
  type Answer,
  type Scope,
} from '../storage/idempotency.ts';
import { known, patientOr404 } from '../storage/patients.ts';
import { ById, PatientReference } from './input.ts';

type Patient = { id: string; created_at: string };

/** The circle as a searchset: the CareTeam, then each member's roles and practitioner. */
const circleBundle = (patient: Patient, members: readonly Member[], req: FastifyRequest) =>
  searchBundle([toFhirCareTeam(patient, members)], req, circleIncludes(members));

/**
 * What is kept for a declaration's replays: which participations its answer showed, in order, and
 * whether each was open then — not the answer itself (12 KB for a circle of a dozen members: a
 * third of what a declaration wrote). A replay rebuilds the same answer from the circle the
 * request reads anyway (participations are never taken out of a circle; an end, once set, stays),
 * with the members' names and addresses as they are at the replay.
 */
const Shown = z.object({ shown: z.array(z.tuple([z.string(), z.boolean()])) });

const keptForReplays = (status: number, members: readonly Member[]): Answer => ({
  status,
  json: JSON.stringify({ shown: members.map((m) => [m.participationId, m.end === null]) }),
});

/** The answer a replay gets: rebuilt from what was kept and the circle as read now. */
function replayOf(kept: Answer, patient: Patient, circle: readonly Member[], req: FastifyRequest): Answer {
  const shown = Shown.safeParse(JSON.parse(kept.json));
  // An answer kept whole (by the platform before it kept the participations shown): as it is.
  if (!shown.success) return kept;
  const byId = new Map(circle.map((m) => [m.participationId, m]));
  const members = shown.data.shown.flatMap(([id, open]) => {
    const member = byId.get(id);
    return member ? [open ? { ...member, end: null } : member] : [];
  });
  return { status: kept.status, json: JSON.stringify(circleBundle(patient, members, req)) };
}

const send = (reply: FastifyReply, answer: Answer, auditId?: string) => {
  if (auditId) reply.header(AUDIT_HEADER, auditId);
  return reply.code(answer.status).type('application/fhir+json').send(answer.json);
};

/** The join's optional `Parameters` body: `role` = `PCP` (médecin traitant) is the only one. */
const JoinBody = optionalParametersBody(z.strictObject({ role: z.literal(MEDECIN_TRAITANT).optional() }), {
  messages: { role: 'Rôle inconnu dans le cercle de soins.' },
});
/** Leaving takes no parameter (an empty `Parameters` is accepted). */
const LeaveBody = optionalParametersBody(z.strictObject({}));

const CircleQuery = z.object({
  patient: PatientReference.optional(),
});

export function careTeamRoutes(app: App, { db, audit, now }: Deps): void {
  app.get('/fhir/CareTeam', { schema: { querystring: CircleQuery } }, async (req, reply) => {
    const id = req.query.patient;
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
    const json = JSON.stringify(circleBundle(patient, await listCircle(db, patient.id), req));
    return send(reply, { status: 200, json }, recorded.id);
  });

  const operation = (name: 'join' | 'leave') =>
    app.post(
      `/fhir/Patient/:id/$care-team-${name}`,
      { schema: { params: ById, body: name === 'join' ? JoinBody : LeaveBody } },
      async (req, reply) => {
        const { id } = req.params;
        const actor = req.professional!;
        const fn = req.body && 'role' in req.body ? req.body.role : undefined;
        const scope = {
          idnps: actor.idNps,
          key: idempotencyKey(req.headers['idempotency-key']),
          request: [name, fn, id].filter(Boolean).join(' '),
        };
        const replayed = (answer: Answer) => send(reply.header('idempotent-replayed', 'true'), answer);
        let reads = await declarationReads(db, id, scope);
        for (;;) {
          const kept = replayFrom(reads.kept, scope);
          if (kept) return replayed(replayOf(kept, known(reads.patient), reads.circle, req));
          try {
            return await joinOrLeave(req, reply, name, fn, scope, reads);
          } catch (error) {
            // The same request, sent twice at once, answered by the other: its answer is this one's
            // (unless the other's batch then failed as a whole: this one runs again, on a new read).
            if (error !== answeredMeanwhile) throw error;
            reads = await declarationReads(db, id, scope);
          }
        }
      },
    );

  /** The join or leave itself, once no answer is kept for its key. */
  async function joinOrLeave(
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    name: 'join' | 'leave',
    fn: string | undefined,
    scope: Scope,
    reads: Awaited<ReturnType<typeof declarationReads>>,
  ) {
    const actor = req.professional!;
    const { roles, circle } = reads;
    const patient = known(reads.patient);
    if (roles.length === 0) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Aucune profession de santé active : vous ne pouvez pas rejoindre un cercle de soins.',
      });
    }
    const mine = current(circle).filter((m) => m.practitioner.idnps === actor.idNps);
    const role = fn ? roles.find((r) => r.role.profession_code === PHYSICIAN) : roles[0];
    if (!role) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Seul un médecin peut se déclarer médecin traitant.',
        diagnostics: 'médecin traitant needs profession 10 in the token',
      });
    }
    const otherPcp = fn && current(circle).find((m) => m.functionCode === fn && m.practitioner.idnps !== actor.idNps);
    if (otherPcp) {
      throw new FhirError(409, {
        code: 'conflict',
        text: `${memberName(otherPcp.practitioner)} est déclaré médecin traitant de ce patient depuis le ${parisDay(otherPcp.start)}.`,
        diagnostics: 'another open PCP participation exists',
      });
    }
    // Nothing to change: a second declaration, or leaving a circle one is not in.
    const unchanged =
      name === 'leave' ? mine.length === 0 : fn ? mine.some((m) => m.functionCode === fn) : mine.length > 0;
    if (unchanged) {
      await remember(db, scope, keptForReplays(200, circle), now());
      return send(reply, { status: 200, json: JSON.stringify(circleBundle(patient, circle, req)) });
    }
    // The change, its audit entry and what is kept for replays: one transaction. The answer is
    // the circle read before, with this change made; the change and what is kept are written
    // together (one statement on PostgreSQL).
    const at = now();
    const joining = name === 'join' ? newParticipation(patient.id, role, at, fn ?? null) : undefined;
    const afterAsRead = [
      ...circle.map((m) => (mine.includes(m) ? { ...m, end: at.toISOString() } : m)),
      ...(joining ? [joining.member] : []),
    ];
    const status = name === 'join' ? 201 : 200;
    const answerWith = (members: readonly Member[]): Answer => ({
      status,
      json: JSON.stringify(circleBundle(patient, members, req)),
    });
    const asReadAnswer = answerWith(afterAsRead);
    const kept = keptAnswer(scope, keptForReplays(status, afterAsRead), at);
    let answer = asReadAnswer;
    const recorded = await recordOrRefuse(
      audit,
      {
        kind: `care-team-${name}`,
        actor,
        patientId: patient.id,
        ...(fn ? { detail: { function: fn } } : {}),
      },
      async (tx) => {
        // A batch written again (a change of it failed) runs this again: from the circle as read.
        answer = asReadAnswer;
        const roleIds = mine.map((m) => m.role.id);
        let asRead: boolean;
        let keptNow: number;
        if (joining) {
          // Becoming médecin traitant while a member: the plain participation ends first.
          const ended = mine.length > 0 ? await leaveCircle(tx, patient.id, roleIds, at) : 0;
          const written = await joinAndKeep(tx, joining.row, kept);
          asRead = ended === mine.length && written.joined === 1;
          keptNow = written.kept;
        } else {
          const written = await leaveAndKeep(tx, patient.id, roleIds, at.toISOString(), kept);
          asRead = written.ended === mine.length;
          keptNow = written.kept;
        }
        if (keptNow !== 1) throw answeredMeanwhile;
        // This professional's participations changed meanwhile (a request of theirs, at once): the
        // circle as it now is, read again, is the answer.
        if (!asRead) {
          const members = await listCircle(tx, patient.id);
          answer = answerWith(members);
          await keepInstead(tx, scope, keptForReplays(status, members));
        }
      },
    );
    return send(reply, answer, recorded.id);
  }
  operation('join');
  operation('leave');
}
