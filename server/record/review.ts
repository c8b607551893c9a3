/**
 * The privacy officer's view of break-glass sessions: each stored session mapped to what the review
 * shows, without ever throwing. A row that does not read as expected (a reason code outside the
 * closed set, an unknown mode, a missing patient, a bad date) is still listed, with its problems
 * named: one bad row can never hide the others.
 */
import { BreakGlassMode, reasonLabel } from '../../src/core/break-glass.ts';
import type { ReviewSession } from '../../src/core/protocol.ts';
import type { reviewRows } from '../storage/break-glass.ts';

type Rows = Awaited<ReturnType<typeof reviewRows>>;

const instant = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

export function toReviewSessions({ sessions, reads, reviews }: Rows, now: Date): ReviewSession[] {
  return sessions.map((r) => {
    const problems: string[] = [];
    const label = reasonLabel(r.reason_code);
    if (!label) problems.push(`Motif non reconnu : « ${String(r.reason_code).slice(0, 40)} ».`);
    if (!BreakGlassMode.safeParse(r.mode).success)
      problems.push(`Mode d’accès non reconnu : « ${String(r.mode).slice(0, 40)} ».`);
    if (r.birth_name === null) problems.push('Patient introuvable dans la base.');
    if (!instant(r.started_at) || !instant(r.expires_at)) problems.push('Dates de la session illisibles.');
    const expired = instant(r.expires_at) && Date.parse(r.expires_at) <= now.getTime();
    const end = r.ended_at ?? (expired ? r.expires_at : null);
    const minutes =
      end && instant(end) && instant(r.started_at)
        ? Math.round((Date.parse(end) - Date.parse(r.started_at)) / 60_000)
        : null;
    return {
      id: r.id,
      actor: { idNps: r.idnps, name: r.actor_name },
      patient: {
        id: r.patient_id,
        name: r.birth_name === null ? `(${r.patient_id})` : `${r.birth_name} ${r.given_names ?? ''}`.trim(),
        birthDate: r.birth_date ?? '',
      },
      mode: String(r.mode),
      reason: { code: String(r.reason_code), label: label ?? 'Motif non reconnu', text: String(r.reason_text) },
      startedAt: String(r.started_at),
      endedAt: end,
      minutes,
      documents: reads
        .filter((d) => d.break_glass_id === r.id)
        .map((d) => ({ title: d.title ?? '(document supprimé)', at: d.at })),
      reviews: reviews
        .filter((v) => v.break_glass_id === r.id)
        .map((v) => ({ at: v.at, by: v.reviewer_name, comment: v.comment })),
      problems,
    };
  });
}
