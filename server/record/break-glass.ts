/**
 * Break-glass sessions (docs/domain.md, "Break-glass"). Starting one: physicians only (profession
 * 10 in the token, nobody else), never when the patient opposed it; a coded reason from the closed
 * set and a free text; the `break-glass-start` AuditEvent, the session, and the patient's
 * notification are one transaction, committed before any data is returned. One open session per
 * professional and patient (the database enforces it: parallel starts give the same session, with
 * one start entry). A session lasts `BREAK_GLASS_MINUTES` (15 by default) and ends with a
 * `break-glass-end` entry: when the professional ends it, or when it expires (swept).
 */
import { BREAK_GLASS_REASON_LABELS, type BreakGlassMode, type BreakGlassReason } from '../../src/core/break-glass.ts';
import { parisDateTime } from '../../src/core/format.ts';
import { isPhysician } from '../../src/core/psc.ts';
import { patientAddress } from '../mail/message.ts';
import { outboxRow } from '../mail/outbox.ts';
import { known } from '../storage/patients.ts';
import type { Professional } from '../../src/core/protocol.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { dueSessions, endSession, openSession, startReads, startSession } from '../storage/break-glass.ts';
import type { Db } from '../storage/database.ts';
import type { BreakGlassTable } from '../storage/schema.ts';
import { newId } from '../storage/ids.ts';

const nameOf = (p: Professional) => [p.title, p.givenName, p.familyName].filter(Boolean).join(' ');

export interface BreakGlassOptions {
  minutes: number;
  /** FINESS of the emergency regulation structures (SAMU, centre 15) whose physicians may use `centre_15`. */
  regulation: readonly string[];
  now: () => Date;
  /** The platform's MSSanté mailbox: the patient is told by a message to their Mon Espace Santé address. */
  sender: string;
  /** Tells the MSSanté worker a message waits (it would find it at its next round anyway). */
  wake?: () => void;
}

export interface BreakGlassRequest {
  mode: BreakGlassMode;
  reason: BreakGlassReason;
  text: string;
}

/** Thrown inside a transaction that lost a race (already open, already ended): nothing is written. */
class LostRace extends FhirError {
  constructor() {
    super(409, { code: 'conflict', text: 'Cet accès en bris de glace vient de changer : réessayez.' });
  }
}

export function breakGlass(db: Db, audit: AuditLog, options: BreakGlassOptions) {
  /** Ends the session with its entry, unless a parallel end already did (then writes nothing). */
  const end = async (session: BreakGlassTable, at: Date, why: 'ended' | 'expired', actor: Professional) => {
    try {
      await recordOrRefuse(
        audit,
        {
          kind: 'break-glass-end',
          actor,
          patientId: session.patient_id,
          mode: session.mode as BreakGlassMode,
          detail: { session: session.id, end: why },
        },
        async (tx) => {
          if (!(await endSession(tx, session.id, at))) throw new LostRace();
        },
      );
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
    }
  };

  /** Ends the given expired sessions, each with its entry (as the professional whose session it was). */
  const expire = async (due: BreakGlassTable[]) => {
    for (const session of due) {
      const actor: Professional = { idNps: session.idnps, familyName: session.actor_name, professions: ['10'] };
      await end(session, new Date(session.expires_at), 'expired', actor);
    }
    return due.length;
  };

  return {
    async start(actor: Professional, patientId: string, request: BreakGlassRequest): Promise<BreakGlassTable> {
      const reads = await startReads(db, actor.idNps, patientId);
      const patient = known(reads.patient);
      const { consent, notEnded } = reads;
      if (!isPhysician(actor)) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'L’accès en bris de glace est réservé aux médecins.',
          diagnostics: 'break-glass needs profession 10 in the token',
        });
      }
      // The regulation mode belongs to regulation structures, known by FINESS (not to any physician).
      if (
        request.mode === 'centre_15' &&
        !(actor.organizationId && options.regulation.includes(actor.organizationId))
      ) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Le mode « centre 15 » est réservé aux médecins régulateurs d’une structure de régulation (SAMU).',
          diagnostics: 'centre_15 needs an organisation FINESS listed in REGULATION_FINESS',
        });
      }
      if (consent.break_glass_opposed === 1) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Le patient s’est opposé à l’accès en bris de glace à son dossier.',
          diagnostics: 'the patient opposed break-glass',
        });
      }
      const now = options.now();
      // A session of the same pair whose time is up but not yet swept ends first, with its entry.
      const stamp = now.toISOString();
      await expire(notEnded.filter((s) => s.expires_at <= stamp));
      const existing = notEnded.find((s) => s.expires_at > stamp);
      if (existing) return existing;
      const session: BreakGlassTable = {
        id: newId(),
        patient_id: patientId,
        idnps: actor.idNps,
        actor_name: nameOf(actor),
        mode: request.mode,
        reason_code: request.reason,
        reason_text: request.text,
        started_at: now.toISOString(),
        expires_at: new Date(now.getTime() + options.minutes * 60_000).toISOString(),
        ended_at: null,
      };
      const label = BREAK_GLASS_REASON_LABELS[request.reason];
      const notice =
        `${parisDateTime(now)} : ${session.actor_name} a ouvert votre dossier en accès d’urgence ` +
        `(${request.mode === 'centre_15' ? 'régulation du centre 15' : 'bris de glace'}). ` +
        `Motif : ${label} — ${request.text}`;
      // The entry, the session and the patient's notification: all durable before any data.
      try {
        await recordOrRefuse(
          audit,
          {
            kind: 'break-glass-start',
            actor,
            patientId,
            mode: request.mode,
            reason: `${label} — ${request.text}`,
            detail: { session: session.id, reason: request.reason },
          },
          async (tx) => {
            // The notice is in the patient's space and by MSSanté at their Mon Espace Santé
            // address: the notice exists if the access does.
            const opened = await startSession(
              tx,
              session,
              { id: newId(), patient_id: patientId, at: now.toISOString(), text: notice },
              outboxRow(
                { kind: 'break-glass-notice', ref: session.id },
                {
                  from: { name: 'Plateforme Passerelle', address: options.sender },
                  to: patientAddress(patient.ins),
                  subject: 'Accès d’urgence à votre dossier',
                  body:
                    `Bonjour,\r\n\r\n${notice}\r\n\r\nVous pouvez consulter l’historique des accès ` +
                    `et vous opposer à l’accès en urgence depuis votre espace.`,
                  now,
                },
              ),
            );
            if (!opened) throw new LostRace();
          },
        );
      } catch (error) {
        // A parallel start won: its session (and its single entry) is the one.
        if (!(error instanceof LostRace)) throw error;
        const winner = await openSession(db, actor.idNps, patientId, now);
        if (!winner) throw error;
        return winner;
      }
      options.wake?.();
      return session;
    },

    /** The professional ends their session early. */
    async end(actor: Professional, patientId: string): Promise<BreakGlassTable | undefined> {
      const session = await openSession(db, actor.idNps, patientId, options.now());
      if (session) await end(session, options.now(), 'ended', actor);
      return session;
    },

    /** Ends the sessions whose time is up, each with its `break-glass-end` entry. */
    sweep: async (): Promise<number> => expire(await dueSessions(db, options.now())),
  };
}

export type BreakGlass = ReturnType<typeof breakGlass>;
