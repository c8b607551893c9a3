/**
 * Share codes on the platform (issue 7; docs/domain.md "Share codes", SMART Health Links rules):
 * issued by the imaging secretariat for one exam; redeemed by a professional, which grants them
 * lasting access to the exam. Codes are stored only as keyed hashes (`code-key.ts`); the secret
 * part carries 40 bits, so each guess has a 2⁻⁴⁰ chance.
 *
 * Redeeming, in order (a wrong code is counted where its limits are checked again, other instances
 * held off: the limits are exact however many instances share the database):
 * 1. the professional gave too many wrong codes lately, or did at least once from an address that
 *    gave too many → 429, whatever the code. A colleague behind the same proxy who did not guess
 *    wrong is never held back by the address's count;
 * 2. no code matches: one answer, whether the locator (first group) names a live code or none —
 *    "wrong or unknown", with the attempts the *professional* has left before the pause. A live
 *    code's count goes up; it is locked once wrong codes for it came from
 *    `SHARE_CODE_LOCK_PROFESSIONALS` professionals, so no single professional can lock a code its
 *    holder is about to use;
 * 3. the code matches: revoked, expired, locked, or already used (single use) each get their own
 *    French message — the person holds the code, nothing is revealed; else access is granted.
 * Revoking and sending belong to the issuing imaging centre only. Every attempt is audited, in
 * the transaction of what it changes.
 */
import { randomUUID } from 'node:crypto';
import { formatCode, newCode, parseCode } from '../../src/core/share-code.ts';
import type { CodeStatus } from '../../src/core/exams.ts';
import { parisDay } from '../../src/core/format.ts';
import type { Professional } from '../../src/core/protocol.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import type { PlatformConfig } from '../config.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import { findExam, grantAccess } from '../storage/exams.ts';
import type { ShareCodeTable } from '../storage/schema.ts';
import {
  codesByLocator,
  findCode,
  holdAttempts,
  insertCode,
  recordWrongAttempt,
  redemptionReads,
  setCodeStatus,
  useCode,
  wrongAttemptsSince,
} from '../storage/share-codes.ts';
import type { CodeHasher } from './code-key.ts';

export type Limits = PlatformConfig['shareCodes'];

/** The one rule for a code's status: as stored, but an active code past its expiry is expired. */
export function codeStatus(code: Pick<ShareCodeTable, 'status' | 'expires_at'>, at: Date): CodeStatus {
  if (code.status === 'active' && Date.parse(code.expires_at) <= at.getTime()) return 'expired';
  return code.status as CodeStatus;
}

/** A code of the secretariat's own centre (by FINESS), or the same 404 as an unknown one. */
export async function centreCode(db: Db, id: string, finess: string) {
  const row = await findCode(db, id);
  const exam = row && (await findExam(db, row.exam_id));
  if (!row || !exam || exam.organization_id !== finess) {
    throw new FhirError(404, { code: 'not-found', text: 'Code de partage inconnu.' });
  }
  return { row, exam };
}

/** Imaging secretariat staff, as the share-code routes admit them: their centre named and known by FINESS. */
export type Secretariat = Professional & { organization: string; organizationId: string };

export function shareCodes(db: Db, audit: AuditLog, hasher: CodeHasher, limits: Limits, now = () => new Date()) {
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };
  const locatorHash = (locator: string) => hasher.hash('locator', locator);
  const used = 'Ce code à usage unique a déjà été utilisé.';
  /**
   * Thrown in the granting transaction when a parallel redemption took the single-use code first
   * (a `FhirError`: the audit log passes it on as the change's own refusal).
   */
  const usedMeanwhile = new FhirError(410, { code: 'security', text: used });
  /**
   * Thrown where a wrong code is counted when another instance counted one for the same
   * professional or address since the check: the attempt is checked and counted again.
   */
  const countedMeanwhile = new FhirError(409, { code: 'conflict', text: 'Essai compté ailleurs entre-temps.' });

  /** Where the window of wrong attempts counted at `at` starts. */
  const windowStart = (at: Date) => new Date(at.getTime() - limits.windowMinutes * 60_000);

  /**
   * How many wrong codes the professional may still give in the window (0: throttled); `counted`:
   * their wrong attempts in it, if already read.
   */
  async function attemptsLeft(db: Db, idnps: string, address: string, at: Date, counted?: number): Promise<number> {
    const since = windowStart(at);
    const mine = counted ?? (await wrongAttemptsSince(db, { idnps }, since));
    if (mine >= limits.perProfessional) return 0;
    // The address's count holds back only those who guessed wrong from it themselves.
    if (mine > 0 && (await wrongAttemptsSince(db, { address }, since)) >= limits.perAddress) return 0;
    return limits.perProfessional - mine;
  }

  return {
    /** A new code for the exam; the clear code is returned once, never stored. */
    async issue(actor: Professional, examId: string, options: { singleUse: boolean; days?: number }) {
      const exam = await findExam(db, examId);
      if (!exam) throw new FhirError(404, { code: 'not-found', text: 'Examen inconnu.' });
      const at = now();
      let code = newCode();
      // The locator must name one live code: draw again on the rare collision.
      for (let i = 0; i < 10; i++) {
        const clash = await codesByLocator(db, locatorHash(code.slice(0, 4)));
        if (!clash.some((c) => codeStatus(c, at) === 'active')) break;
        code = newCode();
      }
      const days = options.days ?? limits.days;
      const row: ShareCodeTable = {
        id: randomUUID(),
        exam_id: exam.id,
        locator_hash: locatorHash(code.slice(0, 4)),
        code_hash: hasher.hash('code', code),
        created_by: actor.idNps,
        created_at: at.toISOString(),
        expires_at: new Date(at.getTime() + days * 86_400_000).toISOString(),
        single_use: options.singleUse ? 1 : 0,
        status: 'active',
        wrong_attempts: 0,
        revoked_at: null,
        sent_to: null,
      };
      await recordOrRefuse(
        audit,
        { kind: 'share-code-issue', actor, patientId: exam.patient_id, detail: { exam: exam.id, code: row.id } },
        (tx) => insertCode(tx, row),
      );
      return { row, code: formatCode(code), exam };
    },

    /** Revokes a code of the actor's own centre (another centre's reads as unknown). */
    async revoke(actor: Secretariat, id: string) {
      const { row, exam } = await centreCode(db, id, actor.organizationId);
      if (row.status === 'revoked') return row;
      const at = now();
      await recordOrRefuse(
        audit,
        { kind: 'share-code-revoke', actor, patientId: exam.patient_id, detail: { exam: exam.id, code: row.id } },
        (tx) => setCodeStatus(tx, row.id, 'revoked', at),
      );
      return { ...row, status: 'revoked', revoked_at: at.toISOString() };
    },

    /**
     * A wrong code is counted against the limits one at a time (the check and the count never
     * interleave in this process; the code's lock is decided in the chain's transaction, which
     * instances take in turn); a right code only reads the limits, so redemptions go in parallel.
     */
    redeem: async (actor: Professional, address: string, input: string) => {
      const parsed = parseCode(input);
      if (!parsed.ok) {
        throw new FhirError(400, {
          code: 'invalid',
          text: 'Code mal saisi : vérifiez-le (4 groupes, le dernier d’un seul caractère).',
          diagnostics: `malformed code: ${parsed.reason}`,
        });
      }
      const refused = async (status: number, text: string, change?: (tx: Db) => Promise<void>, patientId?: string) => {
        await recordOrRefuse(
          audit,
          {
            kind: 'share-code-redeem',
            actor,
            outcome: 'minor-failure',
            outcomeText: text,
            ...(patientId ? { patientId } : {}),
          },
          change,
        );
        return new FhirError(status, { code: status === 429 ? 'throttled' : 'security', text });
      };
      /** The attempts left in the window, or the throttled refusal (audited) when none is. */
      const attemptsOrRefuse = async (at: Date, counted?: number) => {
        const left = await attemptsLeft(db, actor.idNps, address, at, counted);
        if (left > 0) return left;
        const error = await refused(429, `Trop de codes erronés : réessayez dans ${limits.windowMinutes} minutes.`);
        throw error.withHeaders({ 'retry-after': String(limits.windowMinutes * 60) });
      };
      const hash = hasher.hash('code', parsed.code);

      /** A wrong code: checked against the limits, then counted with its refusal's entry. */
      const wrongCode = async (): Promise<never> => {
        const at = now();
        const left = await attemptsOrRefuse(at);
        // Live locator or none: the same answer, so guessing tells nothing of which codes exist.
        const candidates = await codesByLocator(db, locatorHash(parsed.locator));
        const target = candidates.find((c) => codeStatus(c, at) === 'active');
        const after = left - 1;
        const text =
          after > 0
            ? `Code erroné ou inconnu : vérifiez-le auprès du patient. Il vous reste ${after} essai${after > 1 ? 's' : ''} avant une pause de ${limits.windowMinutes} minutes.`
            : `Code erroné ou inconnu. Trop de codes erronés : réessayez dans ${limits.windowMinutes} minutes.`;
        const error = await refused(404, text, async (tx) => {
          // Checked again where it is counted, other instances held off: no attempt beyond the limits.
          await holdAttempts(tx, { idnps: actor.idNps, address });
          if ((await attemptsLeft(tx, actor.idNps, address, at)) !== left) throw countedMeanwhile;
          const professionals = await recordWrongAttempt(tx, {
            at,
            idnps: actor.idNps,
            address,
            ...(target ? { codeId: target.id } : {}),
          });
          if (target && professionals >= limits.lockProfessionals) await setCodeStatus(tx, target.id, 'locked', at);
        });
        throw error.withHeaders({ 'remaining-attempts': String(after) });
      };

      // The codes under the locator, read with all a redemption needs to decide (one query on PostgreSQL).
      const at = now();
      const reads = await redemptionReads(db, locatorHash(parsed.locator), actor.idNps, windowStart(at));
      const match = reads.codes.find((c) => hasher.same(c.code_hash, hash));
      if (!match) {
        // One wrong code at a time in this process (a transaction holds one professional's counts at
        // most); counted meanwhile elsewhere: checked again — the count only grows, up to the limit.
        return serially(async () => {
          for (;;) {
            try {
              return await wrongCode();
            } catch (error) {
              if (error !== countedMeanwhile) throw error;
            }
          }
        });
      }

      await attemptsOrRefuse(at, reads.wrongAttempts);
      const exam = reads.examOf(match)!;
      const already = reads.grantedFor(match);
      const status = codeStatus(match, at);
      const reason =
        status === 'revoked'
          ? `Ce code a été révoqué le ${parisDay(match.revoked_at!)} par le secrétariat d’imagerie.`
          : status === 'expired'
            ? `Ce code a expiré le ${parisDay(match.expires_at)}. Demandez un nouveau code au patient ou au secrétariat d’imagerie.`
            : status === 'locked'
              ? 'Ce code est bloqué après des essais erronés de plusieurs professionnels. Demandez un nouveau code au secrétariat d’imagerie.'
              : status === 'used' && !already
                ? used
                : undefined;
      if (reason) throw await refused(410, reason, undefined, exam.patient_id);

      // A single-use code is taken in the transaction that grants it: of two professionals redeeming
      // it at once (here or at another instance), one has it, the other is told it was used.
      try {
        await recordOrRefuse(
          audit,
          { kind: 'share-code-redeem', actor, patientId: exam.patient_id, detail: { exam: exam.id, code: match.id } },
          async (tx) => {
            // Asked together: on PostgreSQL both go out in the batch's flight.
            const taking = match.single_use && !already;
            const [, taken] = await Promise.all([
              grantAccess(tx, exam.id, actor.idNps, match.id, at),
              taking ? useCode(tx, match.id) : true,
            ]);
            if (!taken) throw usedMeanwhile;
          },
        );
      } catch (error) {
        if (error !== usedMeanwhile) throw error;
        throw await refused(410, used, undefined, exam.patient_id);
      }
      return exam;
    },
  };
}

export type ShareCodes = ReturnType<typeof shareCodes>;
