/**
 * The platform's HTTP application: CORS for the extension's origins only, FHIR errors, logs with
 * no health data (method, route pattern and status only: never a query string, never a body).
 */
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { originAllowed, type PlatformConfig } from './config.ts';
import { FhirError, operationOutcome, type Issue } from './fhir/operation-outcome.ts';
import type { AuditLog } from './audit/log.ts';
import type { Verifier } from './identity/verify-token.ts';
import { auditRoutes } from './routes/audit.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { careTeamRoutes } from './routes/care-team.ts';
import { shareCodeRoutes } from './routes/share-codes.ts';
import { recordRoutes } from './routes/record.ts';
import { reviewRoutes } from './routes/review.ts';
import { patientPageRoutes } from './routes/patient-page.ts';
import { breakGlass, type BreakGlass } from './record/break-glass.ts';
import { demoViewerRoute } from './demo/viewer.ts';
import { mailPatient } from './demo/mail-patient.ts';
import type { CodeHasher } from './share/code-key.ts';
import { vigilanceRoutes } from './routes/vigilance.ts';
import { patientRoutes } from './routes/patient.ts';
import { practitionerRoutes } from './routes/practitioner.ts';
import type { Db } from './storage/database.ts';
import { practitionerRecorder } from './storage/practitioners.ts';
import type { Professional } from '../src/core/protocol.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in professional, from the verified token only (`server/identity/verify-token.ts`). */
    professional?: Professional;
  }
  interface FastifyInstance {
    /** Break-glass sessions (`server/record/break-glass.ts`): the sweeper, for tests. */
    breakGlass: BreakGlass;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (health, capability statement); every other one needs a token. */
    public?: boolean;
    /** Routes staff without a health profession may call (the route checks who, by IDNPS). */
    staff?: boolean;
  }
}

export interface AppDeps {
  db: Db;
  config: PlatformConfig;
  logger: FastifyBaseLogger;
  verify: Verifier;
  audit: AuditLog;
  /** The share codes' keyed hash (`server/share/code-key.ts`). */
  codeHasher: CodeHasher;
  /** The clock of time-limited rules (share-code expiry, break-glass time box); injectable in tests. */
  now?: () => Date;
  /** Demo: the images viewer, the patient's page with its demo sign-in, mail to patients. */
  demo?: boolean;
}

function sendOutcome(reply: FastifyReply, status: number, issues: Issue[]) {
  return reply.code(status).type('application/fhir+json').send(operationOutcome(issues));
}

export function buildApp({
  db,
  config,
  logger,
  verify,
  audit,
  codeHasher,
  now = () => new Date(),
  demo = false,
}: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's own request lines carry the URL (and so the INS searched): ours below do not.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Behind the hospital's reverse proxy, the client's address comes from X-Forwarded-For.
    ...(config.trustProxy.length > 0 ? { trustProxy: config.trustProxy } : {}),
  });

  const ownOrigin = (host: string | undefined, protocol: string) => `${protocol}://${host ?? ''}`;

  // A browser page of another origin never gets an answer (not even an error body to read):
  // only the extension, and the platform's own pages, may call the API from a browser.
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (
      origin &&
      origin !== ownOrigin(req.headers.host, req.protocol) &&
      !originAllowed(origin, config.allowedOrigins)
    ) {
      req.log.warn({ origin }, 'refused request from a foreign origin');
      return sendOutcome(reply, 403, [
        { code: 'forbidden', text: 'Origine non autorisée.', diagnostics: 'Origin not in ALLOWED_ORIGINS' },
      ]);
    }
  });
  app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && originAllowed(origin, config.allowedOrigins)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposedHeaders: [
      'X-Audit-Event',
      'Idempotent-Replayed',
      'Remaining-Attempts',
      'Retry-After',
      'X-Access-Mode',
      'X-Break-Glass',
      'X-Break-Glass-Expires',
    ],
    maxAge: 600,
  });

  // Every route needs a valid token, but those marked public; unknown routes too (nothing to probe).
  const recordPractitioner = practitionerRecorder(db);
  app.decorateRequest('professional', undefined);
  app.addHook('onRequest', async (req) => {
    if (req.method === 'OPTIONS' || req.routeOptions.config?.public) return;
    req.professional = await verify(req.headers.authorization, { staff: req.routeOptions.config?.staff === true });
    await recordPractitioner(req.professional);
  });

  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? '(none)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof FhirError) return sendOutcome(reply.headers(error.headers), error.status, error.issues);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return sendOutcome(reply, status, [
        { code: 'invalid', text: 'Requête invalide.', diagnostics: (error as Error).message },
      ]);
    }
    req.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'request failed');
    return sendOutcome(reply, 500, [{ code: 'exception', text: 'Erreur interne de la plateforme. Réessayez.' }]);
  });
  app.setNotFoundHandler((_req, reply) =>
    sendOutcome(reply, 404, [{ code: 'not-found', text: 'Ressource inconnue.', diagnostics: 'No such route' }]),
  );

  // FHIR clients send `application/fhir+json`: parsed as JSON, with the same limits.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));
  metadataRoutes(app);
  patientRoutes(app, db, audit);
  vigilanceRoutes(app, db, audit);
  careTeamRoutes(app, db, audit);
  shareCodeRoutes(app, db, audit, codeHasher, config.shareCodes, now);
  const glass = breakGlass(db, audit, {
    minutes: config.breakGlassMinutes,
    now,
    ...(demo && config.shareCodes.mailboxDir ? { tellPatient: mailPatient(db, config.shareCodes.mailboxDir) } : {}),
  });
  app.decorate('breakGlass', glass);
  recordRoutes(app, db, audit, glass, config.audit.readers, now);
  reviewRoutes(app, db, audit, config.audit.readers, now);
  if (demo) {
    demoViewerRoute(app, db);
    patientPageRoutes(app, db, audit, now);
  }
  // Sessions whose time is up end with their `break-glass-end` entry, even if nobody asks.
  const sweeper = setInterval(
    () =>
      void glass.sweep().catch((error: unknown) => logger.error({ err: String(error) }, 'break-glass sweep failed')),
    30_000,
  );
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
  practitionerRoutes(app, db, audit);
  auditRoutes(app, db, audit, config.audit.readers);
  return app;
}
