/**
 * The one way the pages say why something did not happen: signed out (what signing in would
 * let you do here), the session expired, or the platform unavailable or refusing (its own French
 * words when it gave some). Every key is checked at compile time: no message key is built from a
 * string.
 */
import type { AccessMode, BreakGlassReason, UnavailableReason } from '../core/protocol.ts';
import { t, type MessageKey } from './i18n.ts';

export type Failure =
  { status: 'signed-out'; reason?: 'expired' } | { status: 'unavailable'; reason: UnavailableReason; detail?: string };

/** What the user was trying to do, on which screen: it says what signing in would allow. */
export type Doing =
  'lookup' | 'circle' | 'share' | 'record' | 'report' | 'document' | 'review' | 'secretariat' | 'break-glass';

const SIGN_IN: Record<Doing, MessageKey> = {
  lookup: 'signInToLookup',
  circle: 'signInTo_circle',
  share: 'signInTo_share',
  record: 'signInTo_record',
  report: 'signInTo_report',
  document: 'signInTo_document',
  review: 'signInTo_review',
  secretariat: 'signInTo_secretariat',
  'break-glass': 'signInTo_breakGlass',
};

const UNAVAILABLE: Record<UnavailableReason, MessageKey> = {
  unreachable: 'unavailable_unreachable',
  timeout: 'unavailable_timeout',
  server: 'unavailable_server',
  'bad-response': 'unavailable_bad_response',
  forbidden: 'unavailable_forbidden',
  refused: 'unavailable_refused',
};

export function failureText(failure: Failure, doing: Doing): string {
  if (failure.status === 'signed-out') return t(failure.reason === 'expired' ? 'signedOut_expired' : SIGN_IN[doing]);
  return failure.detail ?? t(UNAVAILABLE[failure.reason]);
}

/** The text of an unexpected answer (the background's own answer did not parse). */
export const unexpected = () => t('unavailable_bad_response');

const MODES: Record<AccessMode, MessageKey> = {
  normal: 'mode_normal',
  bris_de_glace: 'mode_bris_de_glace',
  centre_15: 'mode_centre_15',
};
export const modeLabel = (mode: AccessMode) => t(MODES[mode]);

const REASONS: Record<BreakGlassReason, MessageKey> = {
  'urgence-vitale': 'reason_urgence_vitale',
  'patient-hors-etat': 'reason_patient_hors_etat',
  'regulation-15': 'reason_regulation_15',
  'autre-urgence': 'reason_autre_urgence',
};
export const reasonText = (reason: BreakGlassReason) => t(REASONS[reason]);
