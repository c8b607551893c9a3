/**
 * The extension's settings and the signed-in professional's session, as stored and as the pages
 * see them; part of the protocol (`protocol.ts` re-exports).
 */
import { z } from './zod.ts';
import { httpUrl, text } from './results.ts';

/** The extension needs one address: the platform's (which signs the professional in at Pro Santé Connect). */
export const Settings = z.object({
  platformUrl: httpUrl,
});
export type Settings = z.infer<typeof Settings>;

// ---------------------------------------------------------------------------------------------
// The signed-in professional, mapped from Pro Santé Connect claims by `src/core/psc.ts`.

export const Professional = z.object({
  /** IDNPS: `8` + RPPS or `0` + ADELI (docs/domain.md). */
  idNps: z.string().regex(/^[0-9][0-9A-Za-z]{4,30}$/),
  rpps: z
    .string()
    .regex(/^\d{11}$/)
    .optional(),
  /** Civility of practice shown before the name (`Dr`, `Pr`), from `codeCiviliteDexercice`. */
  title: z.enum(['Dr', 'Pr']).optional(),
  familyName: text(200),
  givenName: text(200).optional(),
  /** TRE_G15 profession codes, from `SubjectRefPro.exercices[].codeProfession`. */
  professions: z.array(z.string().regex(/^\d{2}$/)).max(50),
  organization: text(200).optional(),
  /** The organisation's FINESS: what the platform decides from (never the name). */
  organizationId: z
    .string()
    .regex(/^(\d{2}|2A|2B)\d{7}$/)
    .optional(),
  mssante: z.email().max(200).optional(),
});
export type Professional = z.infer<typeof Professional>;

export const SignedOutReason = z.enum(['expired', 'cancelled', 'failed', 'unreachable', 'refused']);
export type SignedOutReason = z.infer<typeof SignedOutReason>;

export const AuthStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signed-out'), reason: SignedOutReason.optional() }),
  z.object({ state: z.literal('signed-in'), professional: Professional, expiresAt: z.number().int() }),
]);
export type AuthStatus = z.infer<typeof AuthStatus>;

/** What `storage.session` holds while signed in; never `storage.local`, never the host page. */
export const AuthSession = z.object({
  /** The platform that opened it: a session is good there only. */
  platformUrl: httpUrl,
  /** The platform's tokens (never PSC's), usable only with the extension's DPoP key. */
  accessToken: z.string().min(1).max(2_000),
  refreshToken: z.string().min(1).max(2_000),
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: z.number().int(),
  professional: Professional,
});
export type AuthSession = z.infer<typeof AuthSession>;

/**
 * What the background tells an open extension page through its `changes` port: the sign-in
 * changed, the page of the panel's tab shows something else, a break-glass confirmation ended
 * (with its result). Firefox gives a framed extension page neither `storage.session` nor its
 * change events: every page learns of changes this one way.
 */
export const CHANGES_PORT = 'changes';
export const ChangeNotice = z.discriminatedUnion('what', [
  z.object({ what: z.literal('auth') }),
  z.object({ what: z.literal('context') }),
  z.object({ what: z.literal('breakGlassResult'), pendingId: z.uuid(), result: z.unknown() }),
]);
export type ChangeNotice = z.infer<typeof ChangeNotice>;
