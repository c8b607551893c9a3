/**
 * The small pieces every message schema is made of (`protocol.ts` and the workflow shapes it
 * re-exports): bounded text, http(s) addresses, and the two ways a platform call can fail.
 */
import { z } from './zod.ts';

/** Non-empty trimmed text, bounded: nothing a page or the platform sends is unbounded. */
export const text = (max: number) => z.string().trim().min(1).max(max);

export const httpUrl = z.url({ protocol: /^https?$/ }).max(300);

/** `refused`: the platform said no for a reason of its own (a wrong or expired code…), in `detail`. */
export const UnavailableReason = z.enum(['unreachable', 'timeout', 'server', 'bad-response', 'forbidden', 'refused']);
export type UnavailableReason = z.infer<typeof UnavailableReason>;

/** No identity: nothing was asked of the platform; or the platform refused the token (`expired`). */
export const SignedOut = z.object({ status: z.literal('signed-out'), reason: z.literal('expired').optional() });
export const Unavailable = z.object({
  status: z.literal('unavailable'),
  reason: UnavailableReason,
  detail: z.string().max(500).optional(),
});

/**
 * The result of a call to the platform: its success (`status: 'ok'` and what it carries), any
 * other answers of its own (a refusal saying whether break-glass is possible…), or one of the two
 * ways every call can fail.
 */
export const resultOf = <S extends z.core.$ZodLooseShape, O extends z.ZodObject[] = []>(ok: S, ...others: O) =>
  z.discriminatedUnion('status', [z.object({ status: z.literal('ok'), ...ok }), ...others, SignedOut, Unavailable]);

/** A change that answers nothing but its success. */
export const DoneResult = resultOf({});
