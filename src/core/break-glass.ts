/**
 * The break-glass vocabulary, one list for the extension and the platform (docs/domain.md,
 * "Break-glass"): the access modes of TRE_R248 that open a record in an emergency, and the coded
 * reasons a physician chooses from. Closed sets: a value is accepted only if it is one of these
 * (never `reason in LABELS`, which also accepts `toString` or `__proto__`).
 */
import { z } from './zod.ts';

export const BreakGlassMode = z.enum(['bris_de_glace', 'centre_15']);
export type BreakGlassMode = z.infer<typeof BreakGlassMode>;

export const BreakGlassReason = z.enum(['urgence-vitale', 'patient-hors-etat', 'regulation-15', 'autre-urgence']);
export type BreakGlassReason = z.infer<typeof BreakGlassReason>;

export const BREAK_GLASS_REASON_LABELS: Readonly<Record<BreakGlassReason, string>> = Object.freeze({
  'urgence-vitale': 'Urgence vitale',
  'patient-hors-etat': 'Patient hors d’état d’exprimer sa volonté',
  'regulation-15': 'Régulation médicale (centre 15)',
  'autre-urgence': 'Autre situation d’urgence',
});

export const BREAK_GLASS_REASON_SYSTEM = 'https://passerelle.example/fhir/CodeSystem/break-glass-reason';

/** The French label of a stored reason code, or `undefined` when it is not one of the set. */
export function reasonLabel(code: string): string | undefined {
  const parsed = BreakGlassReason.safeParse(code);
  return parsed.success ? BREAK_GLASS_REASON_LABELS[parsed.data] : undefined;
}

/** The description a physician types: trimmed, 10 to 500 characters. */
export const BREAK_GLASS_TEXT = { min: 10, max: 500 } as const;
