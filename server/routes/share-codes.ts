/**
 * Imaging share codes (issue 7).
 * For professionals (FHIR):
 * - `POST /fhir/$redeem-share-code` (`Parameters` with `code`): the exam's `DocumentReference`, and
 *   lasting access to it; refusals are `OperationOutcome`s in French (see `server/share/codes.ts`);
 * - `GET /fhir/DocumentReference`: the exams the professional was given access to (searchset),
 *   without their reports' text; `?_id={id}`: that one with its report (audited as a read; none
 *   when not shared with them), and with `_include=DocumentReference:subject` its patient — the
 *   report page's identity banner;
 * - `GET /fhir/DocumentReference/{id}`: one of them (audited as a read).
 * For the imaging secretariat (`SHARE_CODE_ISSUERS`, staff without a health profession allowed),
 * the secretariat page's JSON API:
 * - `GET /share/exams`: the centre's exams with their codes (status, expiry, wrong attempts);
 * - `POST /share/exams/{id}/codes` `{ singleUse, days? }`: a new code, shown once;
 * - `POST /share/codes/{id}/revoke`; `POST /share/codes/{id}/send`: by MSSanté to the prescriber.
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { formatCode, parseCode } from '../../src/core/share-code.ts';
import { recordOrRefuse } from '../audit/log.ts';
import type { App, Deps } from '../deps.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { toFhirDocumentReference } from '../fhir/document-reference.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { parametersBody } from '../fhir/parameters.ts';
import { queueMail } from '../mail/outbox.ts';
import { shareCodeMail } from '../share/message.ts';
import { centreCode, codeStatus, shareCodes } from '../share/codes.ts';
import { examsGrantedTo, examsOf, findExam, hasAccess } from '../storage/exams.ts';
import { patientOr404 } from '../storage/patients.ts';
import { mailState } from '../mail/state.ts';
import { mailsAbout } from '../storage/mail-outbox.ts';
import { codesOfExams, firstUses, markSent } from '../storage/share-codes.ts';
import { ById, FhirId } from './input.ts';
import { toFhirPatient } from '../fhir/patient.ts';
import { EXAM_NOT_FOUND, type Professional } from '../../src/core/protocol.ts';

/** `GET /fhir/DocumentReference`'s parameters: one exam by `_id`, with its patient if asked. */
const ExamSearch = z.strictObject({
  _id: FhirId.optional(),
  _include: z.literal('DocumentReference:subject').optional(),
});

const IssueBody = z
  .strictObject({
    singleUse: z.boolean().default(false),
    days: z.number().int().min(1).max(365).optional(),
  })
  .default({ singleUse: false });
const SendBody = z.strictObject({ code: z.string({ error: 'Indiquez le code à envoyer.' }).max(32) });

const fhir = { type: 'application/fhir+json' };

/** `$redeem-share-code`: one `code` (valueString), as typed or found; its form is checked by the domain. */
const RedeemBody = parametersBody(z.strictObject({ code: z.string().min(1).max(64) }), {
  messages: { code: 'Indiquez le code de partage.' },
});

export function shareCodeRoutes(
  app: App,
  {
    db,
    audit,
    codeHasher: hasher,
    config: {
      shareCodes: config,
      mail: { unreadHours },
    },
    now,
    mail,
  }: Deps,
): void {
  const codes = shareCodes(db, audit, hasher, config, now);
  /** The secretariat's routes: staff listed in `SHARE_CODE_ISSUERS` only. */
  const secretariat = (req: FastifyRequest) => {
    const actor = req.professional!;
    if (!config.issuers.includes(actor.idNps)) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Réservé au secrétariat d’imagerie.',
        diagnostics: 'IDNPS not in SHARE_CODE_ISSUERS',
      });
    }
    // The centre decides whose exams and codes these are: by its FINESS, never by its name.
    if (!actor.organizationId) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Votre structure (FINESS) n’est pas indiquée dans votre identité Pro Santé Connect.',
        diagnostics: 'no FINESS (numeroFinessSite / SubjectOrganizationID) in the claims',
      });
    }
    return { ...actor, organization: actor.organization ?? '', organizationId: actor.organizationId };
  };
  const staff = { config: { staff: true } };

  app.post('/fhir/$redeem-share-code', { schema: { body: RedeemBody } }, async (req, reply) => {
    const exam = await codes.redeem(req.professional!, req.ip, req.body.code);
    return reply.headers(fhir).send(toFhirDocumentReference(exam));
  });

  /** The exam if it was shared with `actor` (undefined: unknown or not shared, alike), its read audited. */
  const readExam = async (actor: Professional, id: string) => {
    const exam = await findExam(db, id);
    if (!exam || !(await hasAccess(db, exam.id, actor.idNps))) return undefined;
    await recordOrRefuse(audit, { kind: 'exam-read', actor, patientId: exam.patient_id, detail: { exam: exam.id } });
    return exam;
  };

  app.get('/fhir/DocumentReference', { schema: { querystring: ExamSearch } }, async (req, reply) => {
    const { _id: id, _include: include } = req.query;
    if (id === undefined) {
      const exams = await examsGrantedTo(db, req.professional!.idNps);
      const listed = exams.map((exam) => toFhirDocumentReference(exam, { report: false }));
      return reply.headers(fhir).send(searchBundle(listed, req));
    }
    const exam = await readExam(req.professional!, id);
    const patient = exam && include ? await patientOr404(db, exam.patient_id) : undefined;
    return reply
      .headers(fhir)
      .send(searchBundle(exam ? [toFhirDocumentReference(exam)] : [], req, patient ? [toFhirPatient(patient)] : []));
  });

  app.get('/fhir/DocumentReference/:id', { schema: { params: ById } }, async (req, reply) => {
    const exam = await readExam(req.professional!, req.params.id);
    // Unknown and not granted read the same: nothing to learn by probing.
    if (!exam) throw new FhirError(404, { code: 'not-found', text: EXAM_NOT_FOUND });
    return reply.headers(fhir).send(toFhirDocumentReference(exam));
  });

  app.get('/share/exams', staff, async (req) => {
    const actor = secretariat(req);
    const exams = await examsOf(db, actor.organizationId);
    const rows = await codesOfExams(
      db,
      exams.map((e) => e.id),
    );
    const ids = rows.map((c) => c.id);
    // What became of each code: its MSSanté message (latest), and who first opened the exam with it.
    const mails = await mailsAbout(db, ids);
    const used = await firstUses(db, ids);
    const at = now();
    return exams.map((e) => ({
      id: e.id,
      title: e.title,
      performedAt: e.performed_at,
      patient: { birthName: e.birth_name, givenNames: e.given_names, birthDate: e.birth_date },
      prescriber: e.prescriber_name,
      prescriberMssante: e.prescriber_mssante,
      codes: rows
        .filter((c) => c.exam_id === e.id)
        .map((c) => ({
          id: c.id,
          createdAt: c.created_at,
          expiresAt: c.expires_at,
          singleUse: c.single_use === 1,
          status: codeStatus(c, at),
          wrongAttempts: c.wrong_attempts,
          sentTo: c.sent_to,
          mail: mailState(
            mails.find((m) => m.ref === c.id),
            at,
            unreadHours,
          ),
          firstUse: used.get(c.id) ?? null,
        })),
    }));
  });

  app.post('/share/exams/:id/codes', { ...staff, schema: { params: ById, body: IssueBody } }, async (req, reply) => {
    const actor = secretariat(req);
    const exam = await findExam(db, req.params.id);
    if (!exam || exam.organization_id !== actor.organizationId) {
      throw new FhirError(404, { code: 'not-found', text: 'Examen inconnu.' });
    }
    const issued = await codes.issue(actor, exam.id, req.body);
    return reply.code(201).send({
      id: issued.row.id,
      code: issued.code,
      expiresAt: issued.row.expires_at,
      singleUse: issued.row.single_use === 1,
    });
  });

  app.post('/share/codes/:id/revoke', { ...staff, schema: { params: ById } }, async (req) => {
    const actor = secretariat(req);
    const row = await codes.revoke(actor, req.params.id);
    return { id: row.id, status: row.status };
  });

  /**
   * Sends the code to the prescriber by MSSanté. The code itself is not kept: the secretariat
   * sends it right after issuing it (the page holds it until then), as the body says.
   */
  app.post('/share/codes/:id/send', { ...staff, schema: { params: ById, body: SendBody } }, async (req) => {
    const actor = secretariat(req);
    const { row, exam } = await centreCode(db, req.params.id, actor.organizationId);
    // The code sent must be this one: checked against its keyed hash.
    const clear = parseCode(req.body.code);
    if (!clear.ok || !hasher.same(hasher.hash('code', clear.code), row.code_hash)) {
      throw new FhirError(422, { code: 'invalid', text: 'Ce n’est pas le code émis pour cet examen.' });
    }
    if (!exam.prescriber_mssante) {
      throw new FhirError(422, { code: 'invalid', text: 'Aucune adresse MSSanté de prescripteur pour cet examen.' });
    }
    const patient = await patientOr404(db, exam.patient_id);
    const message = shareCodeMail({
      from: actor,
      to: exam.prescriber_mssante,
      exam,
      patient,
      code: formatCode(clear.code),
      expiresAt: row.expires_at,
      now: now(),
    });
    await recordOrRefuse(
      audit,
      {
        kind: 'share-code-send',
        actor,
        patientId: exam.patient_id,
        detail: { exam: exam.id, code: row.id, to: exam.prescriber_mssante },
      },
      // Sent means written to the outbox with the entry; the worker hands it to the MSSanté gateway.
      async (tx) => {
        await markSent(tx, row.id, exam.prescriber_mssante!);
        await queueMail(tx, { kind: 'share-code', ref: row.id }, message);
      },
    );
    mail.wake();
    return { id: row.id, sentTo: exam.prescriber_mssante };
  });
}
