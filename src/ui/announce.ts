/**
 * When a countdown is worth telling a screen reader: at each of these minutes left (not every
 * second). Answers the milestone while the time left is within its minute, else nothing.
 */
export function milestoneOf(leftMs: number, minutes: readonly number[] = [5, 1]): number | undefined {
  return minutes.find((m) => leftMs > 0 && leftMs <= m * 60_000 && leftMs > (m - 1) * 60_000);
}
