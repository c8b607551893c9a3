/**
 * Imaging share codes (issue 7).
 * For professionals (FHIR):
 * - `POST /fhir/$redeem-share-code` (`Parameters` with `code`): the exam's `DocumentReference`, and
 *   lasting access to it; refusals are `OperationOutcome`s in French (see `server/share/codes.ts`);
 * - `GET /fhir/DocumentReference`: the exams the professional was given access to (searchset);
 * - `GET /fhir/DocumentReference/{id}`: one of them (audited as a read).
 * For the imaging secretariat (`SHARE_CODE_ISSUERS`, staff without a health profession allowed),
 * the secretariat page's JSON API:
 * - `GET /share/exams`: the centre's exams with their codes (status, expiry, wrong attempts);
 * - `POST /share/exams/{id}/codes` `{ singleUse, days? }`: a new code, shown once;
 * - `POST /share/codes/{id}/revoke`; `POST /share/codes/{id}/send`: by MSSanté to the prescriber.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readParameters } from '../fhir/parameters.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatCode, parseCode } from '../../src/core/share-code.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import type { PlatformConfig } from '../config.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { toFhirDocumentReference } from '../fhir/document-reference.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { CodeHasher } from '../share/code-key.ts';
import { mssanteMessage } from '../share/message.ts';
import { shareCodes } from '../share/codes.ts';
import type { Db } from '../storage/database.ts';
import { examsGrantedTo, examsOf, findExam, hasAccess } from '../storage/exams.ts';
import { findById } from '../storage/patients.ts';

const IssueBody = z.object({
  singleUse: z.boolean().default(false),
  days: z.number().int().min(1).max(365).optional(),
});

const fhir = { type: 'application/fhir+json' };

/** `$redeem-share-code`: one `code` (valueString), as typed or found; its form is checked by the domain. */
const RedeemParameters = z.strictObject({ code: z.string().min(1).max(64) });

export function shareCodeRoutes(
  app: FastifyInstance,
  db: Db,
  audit: AuditLog,
  hasher: CodeHasher,
  config: PlatformConfig['shareCodes'],
  now = () => new Date(),
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
    if (!actor.organization) {
      throw new FhirError(403, { code: 'forbidden', text: 'Votre structure n’est pas indiquée dans votre identité.' });
    }
    return { ...actor, organization: actor.organization };
  };
  const staff = { config: { staff: true } };

  app.post('/fhir/$redeem-share-code', async (req, reply) => {
    const { code } = readParameters(req.body, RedeemParameters, { messages: { code: 'Indiquez le code de partage.' } });
    const exam = await codes.redeem(req.professional!, req.ip, code);
    return reply.headers(fhir).send(toFhirDocumentReference(exam));
  });

  app.get('/fhir/DocumentReference', async (req, reply) => {
    const exams = await examsGrantedTo(db, req.professional!.idNps);
    return reply.headers(fhir).send(searchBundle(exams.map(toFhirDocumentReference), req));
  });

  app.get('/fhir/DocumentReference/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const actor = req.professional!;
    const exam = await findExam(db, id);
    // Unknown and not granted read the same: nothing to learn by probing.
    if (!exam || !(await hasAccess(db, exam.id, actor.idNps))) {
      throw new FhirError(404, { code: 'not-found', text: 'Examen introuvable ou non partagé avec vous.' });
    }
    await recordOrRefuse(audit, { kind: 'exam-read', actor, patientId: exam.patient_id, detail: { exam: exam.id } });
    return reply.headers(fhir).send(toFhirDocumentReference(exam));
  });

  app.get('/share/exams', staff, async (req) => {
    const actor = secretariat(req);
    const exams = await examsOf(db, actor.organization);
    const rows = await db
      .selectFrom('share_code')
      .select(['id', 'exam_id', 'created_at', 'expires_at', 'single_use', 'status', 'wrong_attempts', 'sent_to'])
      .where('exam_id', 'in', exams.map((e) => e.id).concat(''))
      .orderBy('created_at', 'desc')
      .execute();
    const at = now().getTime();
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
          status:
            c.status !== 'active'
              ? c.status
              : Date.parse(c.expires_at) <= at
                ? 'expired'
                : c.wrong_attempts >= config.maxWrong
                  ? 'locked'
                  : 'active',
          wrongAttempts: c.wrong_attempts,
          sentTo: c.sent_to,
        })),
    }));
  });

  app.post('/share/exams/:id/codes', staff, async (req, reply) => {
    const actor = secretariat(req);
    const body = IssueBody.safeParse(req.body ?? {});
    if (!body.success) throw new FhirError(400, { code: 'invalid', text: 'Demande de code invalide.' });
    const { id } = req.params as { id: string };
    const exam = await findExam(db, id);
    if (!exam || exam.organization !== actor.organization) {
      throw new FhirError(404, { code: 'not-found', text: 'Examen inconnu.' });
    }
    const issued = await codes.issue(actor, exam.id, body.data);
    return reply.code(201).send({
      id: issued.row.id,
      code: issued.code,
      expiresAt: issued.row.expires_at,
      singleUse: issued.row.single_use === 1,
    });
  });

  app.post('/share/codes/:id/revoke', staff, async (req) => {
    const actor = secretariat(req);
    const row = await codes.revoke(actor, (req.params as { id: string }).id);
    return { id: row.id, status: row.status };
  });

  /**
   * Sends the code to the prescriber by MSSanté. The code itself is not kept: the secretariat
   * sends it right after issuing it (the page holds it until then), as the body says.
   */
  app.post('/share/codes/:id/send', staff, async (req) => {
    const actor = secretariat(req);
    const { id } = req.params as { id: string };
    const parsed = z.object({ code: z.string().max(32) }).safeParse(req.body);
    if (!parsed.success) throw new FhirError(400, { code: 'required', text: 'Indiquez le code à envoyer.' });
    const row = await db.selectFrom('share_code').selectAll().where('id', '=', id).executeTakeFirst();
    const exam = row && (await findExam(db, row.exam_id));
    if (!row || !exam || exam.organization !== actor.organization) {
      throw new FhirError(404, { code: 'not-found', text: 'Code de partage inconnu.' });
    }
    // The code sent must be this one: checked against its keyed hash.
    const clear = parseCode(parsed.data.code);
    if (!clear.ok || !hasher.same(hasher.hash('code', clear.code), row.code_hash)) {
      throw new FhirError(422, { code: 'invalid', text: 'Ce n’est pas le code émis pour cet examen.' });
    }
    if (!exam.prescriber_mssante) {
      throw new FhirError(422, { code: 'invalid', text: 'Aucune adresse MSSanté de prescripteur pour cet examen.' });
    }
    if (!config.mailboxDir) {
      throw new FhirError(501, {
        code: 'not-supported',
        text: 'L’envoi MSSanté n’est pas configuré sur cette plateforme.',
        diagnostics: 'MAILBOX_DIR unset (demo only); an MSSanté gateway is needed in production',
      });
    }
    const patient = (await findById(db, exam.patient_id))!;
    const message = mssanteMessage({
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
      async (tx) => {
        await tx.updateTable('share_code').set({ sent_to: exam.prescriber_mssante }).where('id', '=', row.id).execute();
        mkdirSync(config.mailboxDir!, { recursive: true });
        writeFileSync(join(config.mailboxDir!, message.fileName), message.eml, { mode: 0o600 });
      },
    );
    return { id: row.id, sentTo: exam.prescriber_mssante };
  });
}
