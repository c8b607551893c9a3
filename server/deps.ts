/**
 * What every route module is given, once, by the platform's start (`platform.ts`): the database,
 * the audit log, the clock, the configuration, the share codes' keyed hash and the break-glass
 * sessions. Routes are registered on `App`, the Fastify instance whose requests are parsed by zod
 * (`fastify-type-provider-zod`): a route declares `schema: { params, querystring, body }` and reads
 * typed values, never casts.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
} from 'fastify';
import type { RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuditLog } from './audit/log.ts';
import type { PlatformConfig } from './config.ts';
import type { Sessions } from './identity/sessions.ts';
import type { BreakGlass } from './record/break-glass.ts';
import type { CodeHasher } from './share/code-key.ts';
import type { Db } from './storage/database.ts';

export interface Deps {
  db: Db;
  audit: AuditLog;
  config: PlatformConfig;
  /** The clock of every time-limited rule (share-code expiry, break-glass time box); injected in tests. */
  now: () => Date;
  /** The share codes' keyed hash (`server/share/code-key.ts`). */
  codeHasher: CodeHasher;
  /** Break-glass sessions (`server/record/break-glass.ts`); their sweeper runs from `platform.ts`. */
  glass: BreakGlass;
  /** The extension's sessions, signed in at Pro Santé Connect (`server/identity/sessions.ts`). */
  sessions: Sessions;
  /** MSSanté (`server/mail/`): the platform's sender address; `wake` when a message was queued. */
  mail: { sender: string; wake(): void };
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A module of routes: registered on the app with the platform's dependencies. */
export type Routes = (app: App, deps: Deps) => void;
