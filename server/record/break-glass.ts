/**
 * Break-glass sessions (issue 8). Starting one: physicians only (profession 10 in the token, nobody
 * else), never when the patient opposed it; a coded reason and a free text; the
 * `break-glass-start` AuditEvent, the session, and the patient's notification are one transaction,
 * committed before any data is returned. A session lasts `BREAK_GLASS_MINUTES` (15 by default) and
 * ends with a `break-glass-end` entry: when the professional ends it, or when it expires (swept).
 * In the demo, the patient is also written an MSSanté-style message at their INS address.
 */
import { randomUUID } from 'node:crypto';
import { isPhysician } from '../../src/core/psc.ts';
import type { Professional } from '../../src/core/protocol.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import type { BreakGlassTable } from '../storage/schema.ts';
import { consentOf, openSession } from './access.ts';

/** Why break-glass is used: a coded reason, with free text. */
export const BREAK_GLASS_REASONS = {
  'urgence-vitale': 'Urgence vitale',
  'patient-hors-etat': 'Patient hors d’état d’exprimer sa volonté',
  'regulation-15': 'Régulation médicale (centre 15)',
  'autre-urgence': 'Autre situation d’urgence',
} as const;
export type BreakGlassReason = keyof typeof BREAK_GLASS_REASONS;
export const BREAK_GLASS_REASON_SYSTEM = 'https://passerelle.example/fhir/CodeSystem/break-glass-reason';

const nameOf = (p: Professional) => [p.title, p.givenName, p.familyName].filter(Boolean).join(' ');
const paris = (at: Date) =>
  at.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

export interface BreakGlassOptions {
  minutes: number;
  now: () => Date;
  /** Demo: a message to the patient (the MSSanté-style mailbox). */
  tellPatient?: (patientId: string, text: string, at: Date) => Promise<void>;
}

export function breakGlass(db: Db, audit: AuditLog, options: BreakGlassOptions) {
  const end = async (session: BreakGlassTable, at: Date, why: 'ended' | 'expired', actor: Professional) =>
    recordOrRefuse(
      audit,
      {
        kind: 'break-glass-end',
        actor,
        patientId: session.patient_id,
        mode: session.mode as 'bris_de_glace' | 'centre_15',
        detail: { session: session.id, end: why },
      },
      async (tx) => {
        await tx.updateTable('break_glass').set({ ended_at: at.toISOString() }).where('id', '=', session.id).execute();
      },
    );

  return {
    async start(
      actor: Professional,
      patientId: string,
      request: { mode: 'bris_de_glace' | 'centre_15'; reason: BreakGlassReason; text: string },
    ): Promise<BreakGlassTable> {
      if (!isPhysician(actor)) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'L’accès en bris de glace est réservé aux médecins.',
          diagnostics: 'break-glass needs profession 10 in the token',
        });
      }
      if ((await consentOf(db, patientId)).break_glass_opposed === 1) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Le patient s’est opposé à l’accès en bris de glace à son dossier.',
          diagnostics: 'the patient opposed break-glass',
        });
      }
      const now = options.now();
      const existing = await openSession(db, actor.idNps, patientId, now);
      if (existing) return existing;
      const session: BreakGlassTable = {
        id: randomUUID(),
        patient_id: patientId,
        idnps: actor.idNps,
        actor_name: nameOf(actor),
        mode: request.mode,
        reason_code: request.reason,
        reason_text: request.text,
        started_at: now.toISOString(),
        expires_at: new Date(now.getTime() + options.minutes * 60_000).toISOString(),
        ended_at: null,
        reviewed_at: null,
        reviewed_by: null,
        review_comment: null,
      };
      const notice =
        `${paris(now)} : ${session.actor_name} a ouvert votre dossier en accès d’urgence ` +
        `(${request.mode === 'centre_15' ? 'régulation du centre 15' : 'bris de glace'}). ` +
        `Motif : ${BREAK_GLASS_REASONS[request.reason]} — ${request.text}`;
      // The entry, the session and the patient's notification: all durable before any data.
      await recordOrRefuse(
        audit,
        {
          kind: 'break-glass-start',
          actor,
          patientId,
          mode: request.mode,
          reason: `${BREAK_GLASS_REASONS[request.reason]} — ${request.text}`,
          detail: { session: session.id, reason: request.reason },
        },
        async (tx) => {
          await tx.insertInto('break_glass').values(session).execute();
          await tx
            .insertInto('patient_notification')
            .values({ id: randomUUID(), patient_id: patientId, at: now.toISOString(), text: notice })
            .execute();
        },
      );
      await options.tellPatient?.(patientId, notice, now).catch(() => undefined);
      return session;
    },

    /** The professional ends their session early. */
    async end(actor: Professional, patientId: string): Promise<BreakGlassTable | undefined> {
      const session = await openSession(db, actor.idNps, patientId, options.now());
      if (session) await end(session, options.now(), 'ended', actor);
      return session;
    },

    /** Ends the sessions whose time is up, each with its `break-glass-end` entry. */
    async sweep(): Promise<number> {
      const now = options.now();
      const due = await db
        .selectFrom('break_glass')
        .selectAll()
        .where('ended_at', 'is', null)
        .where('expires_at', '<=', now.toISOString())
        .execute();
      for (const session of due) {
        const actor: Professional = { idNps: session.idnps, familyName: session.actor_name, professions: ['10'] };
        await end(session, new Date(session.expires_at), 'expired', actor);
      }
      return due.length;
    },
  };
}

export type BreakGlass = ReturnType<typeof breakGlass>;
