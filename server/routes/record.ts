/**
 * The shared record (issue 8), for professionals:
 * - `GET /fhir/Patient/{id}/$summary`: the essential first — latest document of each kind, alerts,
 *   current care circle (a `collection` Bundle); header `X-Access-Mode` (TRE_R248) and, in
 *   break-glass, `X-Break-Glass-Expires`;
 * - `GET /fhir/Patient/{id}/$documents[?type=LOINC]`: the documents (searchset), newest first;
 * - `GET /fhir/Binary/{id}`: a document itself;
 * - `GET /fhir/Patient/{id}/$document?document={docId}`: a document as a page shows it — a
 *   `collection` of the patient (name, birth date, sex, INS: the document's identity banner) and
 *   the `DocumentReference` with its text inline; `404` when the document is not this patient's;
 * - `GET /fhir/Consent?patient={id}`: the patient's choices (consent, break-glass opposition);
 * - `POST /fhir/Patient/{id}/$break-glass` (`Parameters`: `mode`, `reason`, `text`) and
 *   `$break-glass-end`.
 * Refused access is `403` with `X-Break-Glass: possible | opposed | not-physician`. Masked
 * documents are never listed nor returned, in any mode (`404` as for an unknown one). Every read
 * is audited (BALP PatientRead, with the access mode) before any data leaves.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { recordOrRefuse } from '../audit/log.ts';
import type { Deps, App } from '../deps.ts';
import { searchBundle } from '../fhir/bundle.ts';
import { instant, toFhirCareTeam } from '../fhir/care-team.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { parametersBody } from '../fhir/parameters.ts';
import { toFhirPatient } from '../fhir/patient.ts';
import { toFhirBinary, toFhirConsent, toFhirFlag, toFhirOpenedDocument, toFhirRecordDocument } from '../fhir/record.ts';
import { decideAccess, decideDocumentAccess, decideSummaryAccess, type Access } from '../record/access.ts';
import { recordSessionRead } from '../storage/break-glass.ts';
import { current } from '../storage/care-team.ts';
import { known } from '../storage/patients.ts';
import { accessFacts, visibleDocuments } from '../storage/record.ts';
import { BREAK_GLASS_TEXT, BreakGlassMode, BreakGlassReason } from '../../src/core/break-glass.ts';
import type { Professional } from '../../src/core/protocol.ts';
import type { BreakGlassOption } from '../../src/core/record.ts';
import { isPhysician } from '../../src/core/psc.ts';
import { ById, FhirId, PatientReference } from './input.ts';

/** `$break-glass`'s parameters: closed sets for the mode and the reason, a bounded description. */
const BreakGlassParameters = z.strictObject({
  mode: BreakGlassMode.default('bris_de_glace'),
  reason: BreakGlassReason,
  text: z.string().trim().min(BREAK_GLASS_TEXT.min).max(BREAK_GLASS_TEXT.max),
});
const BreakGlassBody = parametersBody(BreakGlassParameters, {
  messages: {
    mode: 'Mode d’accès inconnu.',
    reason: 'Choisissez le motif de l’accès en urgence.',
    text: `Décrivez la situation d’urgence (${BREAK_GLASS_TEXT.min} à ${BREAK_GLASS_TEXT.max} caractères).`,
  },
});
/** `$document?document=`: the document's id. */
const DocumentQuery = z.object({ document: FhirId });
/** `$documents?type=`: a LOINC code (digits and a dash). */
const DocumentsQuery = z.object({
  type: z
    .string()
    .regex(/^[\d-]{3,10}$/, 'Type de document invalide.')
    .optional(),
});
const ConsentQuery = z.object({ patient: PatientReference });

const fhir = { 'content-type': 'application/fhir+json' };

const REFUSED: Record<BreakGlassOption, string> = {
  possible:
    'Vous ne faites pas partie de l’équipe de soins de ce patient (ou il n’y a pas consenti). En cas d’urgence, un accès en bris de glace est possible.',
  opposed: 'Vous ne faites pas partie de l’équipe de soins de ce patient, qui s’est opposé à l’accès en bris de glace.',
  'not-physician': 'Vous ne faites pas partie de l’équipe de soins de ce patient (ou il n’y a pas consenti).',
};

export function recordRoutes(app: App, { db, audit, glass, config, now }: Deps): void {
  /** The access granted, or a refusal saying whether break-glass is possible. */
  const granted = (decision: Access, reply: FastifyReply) => {
    if (!decision.granted) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: REFUSED[decision.breakGlass],
        diagnostics: `break-glass: ${decision.breakGlass}`,
      }).withHeaders({ 'x-break-glass': decision.breakGlass });
    }
    reply.header('x-access-mode', decision.mode);
    if (decision.session) reply.header('x-break-glass-expires', decision.session.expires_at);
    return decision;
  };
  /** The patient and the access decision, read at once (an unknown patient is a 404 all the same). */
  const access = async (actor: Professional, patientId: string, reply: FastifyReply) => {
    const { patient, access } = await decideAccess(db, actor, patientId, now());
    return { patient: known(patient), ...granted(access, reply) };
  };

  app.get('/fhir/Patient/:id/$summary', { schema: { params: ById } }, async (req, reply) => {
    const actor = req.professional!;
    // The decision and the summary read at once; the summary leaves only if the access is granted
    // and once its entry is written (if the entry is refused, so is the request).
    const decided = await decideSummaryAccess(db, actor, req.params.id, now());
    const patient = known(decided.patient);
    const { mode, session } = granted(decided.access, reply);
    await recordOrRefuse(audit, {
      kind: 'record-read',
      actor,
      patientId: patient.id,
      mode,
      query: '$summary',
      ...(session ? { detail: { session: session.id } } : {}),
    });
    const { documents, alerts, circle } = decided.summary;
    const latest = [...new Map(documents.map((d) => [d.type_code, d] as const).reverse()).values()].sort((a, b) =>
      b.date.localeCompare(a.date),
    );
    const members = current(circle);
    return reply.headers(fhir).send({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        ...alerts.map(toFhirFlag),
        ...latest.map(toFhirRecordDocument),
        // The circle as the record's reader sees it (members' names and roles); how to reach them
        // is the circle's own read (`GET /fhir/CareTeam`, with their PractitionerRole and Practitioner).
        toFhirCareTeam(patient, members),
      ].map((resource) => ({ resource })),
    });
  });

  app.get(
    '/fhir/Patient/:id/$documents',
    { schema: { params: ById, querystring: DocumentsQuery } },
    async (req, reply) => {
      const actor = req.professional!;
      const { patient, mode, session } = await access(actor, req.params.id, reply);
      const { type } = req.query;
      const [, documents] = await Promise.all([
        recordOrRefuse(audit, {
          kind: 'record-read',
          actor,
          patientId: patient.id,
          mode,
          query: `$documents${type ? `?type=${type}` : ''}`,
          ...(session ? { detail: { session: session.id } } : {}),
        }),
        visibleDocuments(db, patient.id, type),
      ]);
      return reply.headers(fhir).send(searchBundle(documents.map(toFhirRecordDocument), req));
    },
  );

  /**
   * A document opened by `actor` (of patient `patientId`, when said): granted, then audited
   * (`document-read`, with the access mode) before it leaves; a masked document reads as unknown.
   */
  const openDocument = async (actor: Professional, documentId: string, reply: FastifyReply, patientId?: string) => {
    // The document, its patient and the decision on their record, read at once.
    const { document: doc, patient, access } = await decideDocumentAccess(db, actor, documentId, now());
    // Masked reads as unknown: the patient's choice is not disclosed.
    if (!doc || doc.masked === 1 || (patientId !== undefined && doc.patient_id !== patientId)) {
      throw new FhirError(404, { code: 'not-found', text: 'Document introuvable.' });
    }
    const { mode, session } = granted(access, reply);
    await recordOrRefuse(
      audit,
      {
        kind: 'document-read',
        actor,
        patientId: doc.patient_id,
        mode,
        detail: { document: doc.id, ...(session ? { session: session.id } : {}) },
      },
      session ? (tx) => recordSessionRead(tx, session.id, doc.id, now()) : undefined,
    );
    return { doc, patient: known(patient) };
  };

  app.get('/fhir/Binary/:id', { schema: { params: ById } }, async (req, reply) => {
    const { doc } = await openDocument(req.professional!, req.params.id, reply);
    return reply.headers(fhir).send(toFhirBinary(doc));
  });

  app.get(
    '/fhir/Patient/:id/$document',
    { schema: { params: ById, querystring: DocumentQuery } },
    async (req, reply) => {
      const { doc, patient } = await openDocument(req.professional!, req.query.document, reply, req.params.id);
      return reply.headers(fhir).send({
        resourceType: 'Bundle',
        type: 'collection',
        entry: [toFhirPatient(patient), toFhirOpenedDocument(doc)].map((resource) => ({ resource })),
      });
    },
  );

  /**
   * The patient's choices as a FHIR `Consent`, audited (`consent-read`), for those who need them:
   * members of the care circle, physicians (deciding on break-glass), audit readers.
   */
  app.get('/fhir/Consent', { config: { staff: true }, schema: { querystring: ConsentQuery } }, async (req, reply) => {
    const actor = req.professional!;
    // The patient, their choices and whether the professional is a member: read together.
    const facts = await accessFacts(db, actor.idNps, req.query.patient, now());
    const patient = known(facts.patient);
    if (!facts.member && !isPhysician(actor) && !config.audit.readers.includes(actor.idNps)) {
      throw new FhirError(403, {
        code: 'forbidden',
        text: 'Les choix du patient ne sont consultables que par son équipe de soins, un médecin ou les responsables de la protection des données.',
        diagnostics: 'care circle members, physicians and AUDIT_READERS only',
      });
    }
    await recordOrRefuse(audit, { kind: 'consent-read', actor, patientId: patient.id, query: 'Consent' });
    const updated = facts.consent.updated_at ?? instant(patient.created_at);
    return reply.headers(fhir).send(searchBundle([toFhirConsent(patient.id, facts.consent, updated)], req));
  });

  app.post('/fhir/Patient/:id/$break-glass', { schema: { params: ById, body: BreakGlassBody } }, async (req, reply) => {
    const session = await glass.start(req.professional!, req.params.id, req.body);
    return reply
      .code(201)
      .headers(fhir)
      .send({
        resourceType: 'Parameters',
        parameter: [
          { name: 'session', valueString: session.id },
          { name: 'mode', valueCode: session.mode },
          { name: 'expires', valueInstant: session.expires_at },
        ],
      });
  });

  app.post('/fhir/Patient/:id/$break-glass-end', { schema: { params: ById } }, async (req, reply) => {
    const session = await glass.end(req.professional!, req.params.id);
    return reply.headers(fhir).send({
      resourceType: 'Parameters',
      parameter: [{ name: 'ended', valueBoolean: session !== undefined }],
    });
  });
}
