/**
 * The patient the panel shows, as the page printed it: every action message carries it (`seen`),
 * and the background refuses an action when the page shows another patient by then (issue 15).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { DetectedPatient } from '../core/protocol.ts';

export const SeenPatient = createContext<DetectedPatient | undefined>(undefined);

export function useSeen(): DetectedPatient {
  const seen = useContext(SeenPatient);
  if (!seen) throw new Error('an action for a patient outside the patient card');
  return seen;
}
