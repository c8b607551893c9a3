/**
 * The platform's HTTP application: CORS for the extension's origins only, FHIR errors, logs with
 * no health data (method, route pattern and status only: never a query string, never a body).
 */
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { originAllowed } from './config.ts';
import type { App, Deps, Routes } from './deps.ts';
import { FhirError, operationOutcome, type Issue } from './fhir/operation-outcome.ts';
import type { SessionRequest } from './identity/sessions.ts';
import { authRoutes, publicBase } from './routes/auth.ts';
import { auditRoutes } from './routes/audit.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { careTeamRoutes } from './routes/care-team.ts';
import { shareCodeRoutes } from './routes/share-codes.ts';
import { recordRoutes } from './routes/record.ts';
import { reviewRoutes } from './routes/review.ts';
import { vigilanceRoutes } from './routes/vigilance.ts';
import { patientRoutes } from './routes/patient.ts';
import { practitionerRoutes } from './routes/practitioner.ts';
import { practitionerRecorder } from './storage/practitioners.ts';
import type { Professional } from '../src/core/protocol.ts';

// Validation messages zod writes itself (those a schema does not give) are in French.
z.config(z.locales.fr());

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in professional, from the platform session only (`server/identity/sessions.ts`). */
    professional?: Professional;
  }
  interface FastifyInstance {
    /** Every route the platform serves (method and pattern), for its capability tests and fuzzing. */
    routeList: { method: string; url: string }[];
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (health, capability statement); every other one needs a token. */
    public?: boolean;
    /** Routes staff without a health profession may call (the route checks who, by IDNPS). */
    staff?: boolean;
  }
}

/** The platform's own route modules; the demo's are added by `platform.ts` with `--demo` only. */
const ROUTES: readonly Routes[] = [
  authRoutes,
  metadataRoutes,
  patientRoutes,
  vigilanceRoutes,
  careTeamRoutes,
  shareCodeRoutes,
  recordRoutes,
  reviewRoutes,
  practitionerRoutes,
  auditRoutes,
];

/**
 * Who sent a request: the professional of the platform session it carries (`deps.sessions.verify`).
 * Route tests give their own, reading test tokens (`test/support/tokens.ts`).
 * `staff`: the route also serves staff without a health profession (an imaging secretariat, a
 * privacy officer: what they may do is the platform's configuration, by IDNPS).
 */
export type Verifier = (req: SessionRequest, options: { staff?: boolean }) => Promise<Professional>;

export interface AppOptions {
  logger: FastifyBaseLogger;
  verify?: Verifier;
  /** More routes (the demo's: `server/demo/index.ts`). */
  extra?: Routes;
}

const WHERE = { params: 'Adresse', querystring: 'Paramètre de recherche', body: 'Contenu', headers: 'En-tête' };

/**
 * A request zod refused, as French issues naming the value (`patient`, `code`…). A message the
 * schema gives is a sentence of ours (it ends with a full stop) and is shown as it is; zod's own
 * (French, see above) are prefixed with what was wrong.
 */
function invalidRequest(error: FastifyError, req: FastifyRequest): Issue[] {
  const context = (error.validationContext ?? 'body') as keyof typeof WHERE;
  const given: unknown = { params: req.params, querystring: req.query, body: req.body, headers: req.headers }[context];
  return (error.validation ?? []).slice(0, 10).map((v) => {
    const steps = v.instancePath.split('/').filter(Boolean);
    const path = steps.join('.');
    const message = v.message ?? 'valeur invalide';
    // A value absent from the request is `required`; one present but wrong, `invalid`.
    const value = steps.reduce<unknown>(
      (at, step) =>
        at !== null && typeof at === 'object' && Object.hasOwn(at, step)
          ? (at as Record<string, unknown>)[step]
          : undefined,
      given,
    );
    return {
      code: value === undefined ? ('required' as const) : ('invalid' as const),
      text: message.endsWith('.')
        ? message
        : `${WHERE[context] ?? 'Requête'}${path ? ` « ${path} »` : ''} invalide : ${message}.`,
      diagnostics: `${context}${path ? `.${path}` : ''}: ${v.keyword}`,
    };
  });
}

function sendOutcome(reply: FastifyReply, status: number, issues: Issue[]) {
  return reply.code(status).type('application/fhir+json').send(operationOutcome(issues));
}

export function buildApp(deps: Deps, { logger, verify = deps.sessions.verify, extra }: AppOptions): App {
  const { config, db } = deps;
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's own request lines carry the URL (and so the INS searched): ours below do not.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // The router's own refusals (a malformed percent-encoding, an over-long id) are FHIR answers too.
    frameworkErrors: (error, _req, reply) =>
      sendOutcome(reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400, [
        { code: 'invalid', text: 'Adresse de la requête invalide.', diagnostics: error.code },
      ]),
    // Behind the hospital's reverse proxy, the client's address comes from X-Forwarded-For.
    ...(config.trustProxy.length > 0 ? { trustProxy: config.trustProxy } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push({ method, url: route.url });
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
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'DPoP'],
    exposedHeaders: [
      'WWW-Authenticate',
      'DPoP-Nonce',
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
    const request = { method: req.method, url: `${publicBase(deps, req)}${req.url}`, headers: req.headers };
    req.professional = await verify(request, { staff: req.routeOptions.config?.staff === true });
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

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof FhirError) return sendOutcome(reply.headers(error.headers), error.status, error.issues);
    if (hasZodFastifySchemaValidationErrors(error)) return sendOutcome(reply, 400, invalidRequest(error, req));
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return sendOutcome(reply, status, [{ code: 'invalid', text: 'Requête invalide.', diagnostics: error.message }]);
    }
    req.log.error({ err: { type: error.name, message: error.message } }, 'request failed');
    return sendOutcome(reply, 500, [{ code: 'exception', text: 'Erreur interne de la plateforme. Réessayez.' }]);
  });
  app.setNotFoundHandler((_req, reply) =>
    sendOutcome(reply, 404, [{ code: 'not-found', text: 'Ressource inconnue.', diagnostics: 'No such route' }]),
  );

  // FHIR clients send `application/fhir+json`: parsed as JSON, with the same limits.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));
  for (const routes of ROUTES) routes(app, deps);
  extra?.(app, deps);
  return app;
}
