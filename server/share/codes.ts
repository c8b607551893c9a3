/**
 * Share codes on the platform (issue 7; docs/domain.md "Share codes", SMART Health Links rules):
 * issued by the imaging secretariat for one exam; redeemed by a professional, which grants them
 * lasting access to the exam. Codes are stored only as keyed hashes (`code-key.ts`).
 *
 * Redeeming, in order (attempts serialised in this process, so counts cannot race):
 * 1. the professional or their address gave too many wrong codes lately → 429, whatever the code
 *    (the answer says nothing of it);
 * 2. no code matches: if the locator (first group) names a live code, that code's lifetime count
 *    of wrong attempts goes up and the answer tells the attempts left (locked at the limit);
 *    otherwise "unknown". Either way the professional's and address's counts go up;
 * 3. the code matches: revoked, expired, locked, or already used (single use) each get their own
 *    French message — the person holds the code, nothing is revealed; else access is granted.
 * Every attempt is audited, in the transaction of what it changes.
 */
import { randomUUID } from 'node:crypto';
import { formatCode, newCode, parseCode } from '../../src/core/share-code.ts';
import type { Professional } from '../../src/core/protocol.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import type { PlatformConfig } from '../config.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import { findExam, grantAccess, hasAccess } from '../storage/exams.ts';
import type { ShareCodeTable } from '../storage/schema.ts';
import type { CodeHasher } from './code-key.ts';

export type Limits = PlatformConfig['shareCodes'];

const day = (at: string) => new Date(at).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

export function shareCodes(db: Db, audit: AuditLog, hasher: CodeHasher, limits: Limits, now = () => new Date()) {
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };

  const live = (c: ShareCodeTable, at: Date) =>
    c.status === 'active' && Date.parse(c.expires_at) > at.getTime() && c.wrong_attempts < limits.maxWrong;

  /** Wrong codes of this professional and of this address within the window. */
  async function throttled(idnps: string, address: string, at: Date): Promise<boolean> {
    const since = new Date(at.getTime() - limits.windowMinutes * 60_000).toISOString();
    const count = (column: 'idnps' | 'address', value: string) =>
      db
        .selectFrom('share_attempt')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, '=', value)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
    return (
      Number((await count('idnps', idnps)).n) >= limits.perProfessional ||
      Number((await count('address', address)).n) >= limits.perAddress
    );
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
        const clash = await db
          .selectFrom('share_code')
          .selectAll()
          .where('locator_hash', '=', hasher.hash('locator', code.slice(0, 4)))
          .execute();
        if (!clash.some((c) => live(c, at))) break;
        code = newCode();
      }
      const days = options.days ?? limits.days;
      const row: ShareCodeTable = {
        id: randomUUID(),
        exam_id: exam.id,
        locator_hash: hasher.hash('locator', code.slice(0, 4)),
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
        async (tx) => {
          await tx.insertInto('share_code').values(row).execute();
        },
      );
      return { row, code: formatCode(code), exam };
    },

    async revoke(actor: Professional, id: string) {
      const row = await db.selectFrom('share_code').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new FhirError(404, { code: 'not-found', text: 'Code de partage inconnu.' });
      const exam = (await findExam(db, row.exam_id))!;
      if (row.status === 'revoked') return row;
      const at = now().toISOString();
      await recordOrRefuse(
        audit,
        { kind: 'share-code-revoke', actor, patientId: exam.patient_id, detail: { exam: exam.id, code: row.id } },
        async (tx) => {
          await tx
            .updateTable('share_code')
            .set({ status: 'revoked', revoked_at: at })
            .where('id', '=', row.id)
            .execute();
        },
      );
      return { ...row, status: 'revoked', revoked_at: at };
    },

    redeem: (actor: Professional, address: string, input: string) =>
      serially(async () => {
        const parsed = parseCode(input);
        if (!parsed.ok) {
          throw new FhirError(400, {
            code: 'invalid',
            text: 'Code mal saisi : vérifiez-le (4 groupes, le dernier d’un seul caractère).',
            diagnostics: `malformed code: ${parsed.reason}`,
          });
        }
        const at = now();
        const refused = async (
          status: number,
          text: string,
          change?: (tx: Db) => Promise<void>,
          patientId?: string,
        ) => {
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

        if (await throttled(actor.idNps, address, at)) {
          const error = await refused(429, `Trop de codes erronés : réessayez dans ${limits.windowMinutes} minutes.`);
          throw error.withHeaders({ 'retry-after': String(limits.windowMinutes * 60) });
        }

        const candidates = await db
          .selectFrom('share_code')
          .selectAll()
          .where('locator_hash', '=', hasher.hash('locator', parsed.locator))
          .execute();
        const hash = hasher.hash('code', parsed.code);
        const match = candidates.find((c) => hasher.same(c.code_hash, hash));

        if (!match) {
          const target = candidates.find((c) => live(c, at));
          const attempt = async (tx: Db) => {
            await tx
              .insertInto('share_attempt')
              .values({ id: null, at: at.toISOString(), idnps: actor.idNps, address })
              .execute();
            if (target) {
              await tx
                .updateTable('share_code')
                .set((eb) => ({ wrong_attempts: eb('wrong_attempts', '+', 1) }))
                .where('id', '=', target.id)
                .execute();
            }
          };
          if (!target) throw await refused(404, 'Code inconnu. Vérifiez-le auprès du patient.', attempt);
          const left = limits.maxWrong - target.wrong_attempts - 1;
          const error = await refused(
            422,
            left > 0
              ? `Code erroné. Il reste ${left} essai${left > 1 ? 's' : ''} avant le blocage de ce code.`
              : 'Code erroné. Ce code est maintenant bloqué : demandez-en un nouveau au secrétariat d’imagerie.',
            attempt,
          );
          throw error.withHeaders({ 'remaining-attempts': String(Math.max(0, left)) });
        }

        const exam = (await findExam(db, match.exam_id))!;
        const already = await hasAccess(db, exam.id, actor.idNps);
        const reason =
          match.status === 'revoked'
            ? `Ce code a été révoqué le ${day(match.revoked_at!)} par le secrétariat d’imagerie.`
            : Date.parse(match.expires_at) <= at.getTime()
              ? `Ce code a expiré le ${day(match.expires_at)}. Demandez un nouveau code au patient ou au secrétariat d’imagerie.`
              : match.wrong_attempts >= limits.maxWrong
                ? 'Ce code est bloqué après trop d’essais erronés. Demandez un nouveau code au secrétariat d’imagerie.'
                : match.status === 'used' && !already
                  ? 'Ce code à usage unique a déjà été utilisé.'
                  : undefined;
        if (reason) throw await refused(410, reason, undefined, exam.patient_id);

        await recordOrRefuse(
          audit,
          { kind: 'share-code-redeem', actor, patientId: exam.patient_id, detail: { exam: exam.id, code: match.id } },
          async (tx) => {
            await grantAccess(tx, exam.id, actor.idNps, match.id, at);
            if (match.single_use)
              await tx.updateTable('share_code').set({ status: 'used' }).where('id', '=', match.id).execute();
          },
        );
        return exam;
      }),
  };
}

export type ShareCodes = ReturnType<typeof shareCodes>;
