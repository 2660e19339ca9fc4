import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { Context } from 'hono';
import type { CatalogModel } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import type { ReferenceIndex } from '../routing/reference-index.js';
import type { Learner } from '../routing/learner.js';
import type { Router } from '../routing/router.js';
import type { SqliteDecisionStore } from '../store/decision-store.js';
import type { SqliteOutcomeStore } from '../store/outcome-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { methodTable, notFoundOrMethodNotAllowed } from './method-not-allowed.js';
import { openApiDocument } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { AppEnv } from './env.js';
import { bodyLimit } from './middleware/body-limit.js';
import { rateLimit } from './middleware/rate-limit.js';
import { wideEvent } from './middleware/wide-event.js';
import { onError } from './problem.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import type { ChatProxy } from '../proxy/chat-proxy.js';
import { chatRoutes } from './routes/chat.js';
import { coverageRoutes } from './routes/coverage.js';
import { decisionRoutes } from './routes/decisions.js';
import { modelRoutes } from './routes/models.js';
import { outcomeRoutes } from './routes/outcomes.js';
import { routeRoutes } from './routes/route.js';

/** Everything the HTTP layer needs, built once by the composition root. */
export interface AppDeps {
  readonly router: Router;
  readonly learner: Learner;
  readonly decisions: SqliteDecisionStore;
  readonly outcomes: SqliteOutcomeStore;
  readonly queue: WriteQueue;
  readonly embedder: Embedder;
  readonly index: ReferenceIndex;
  readonly references: SqliteReferenceStore;
  readonly catalog: readonly CatalogModel[];
  readonly defaultModel: string;
  /** Reject records for models not in the catalog (otherwise they are accepted and reported). */
  readonly strictModels: boolean;
  readonly maxBodyBytes: number;
  readonly rateLimitPerMinute: number;
  readonly corsOrigins: readonly string[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Log and store prompts in clear (off by default: a hash is logged instead). */
  readonly includePrompts: boolean;
  readonly admin: AdminHooks;
  readonly version: string;
  readonly proxy: ChatProxy;
  /** Our API keys for the front door, by name → key (resolved from the environment at start). */
  readonly proxyKeys: ReadonlyMap<string, string>;
  readonly requireProxyKey: boolean;
}

/** What admin endpoints may trigger in the composition root; `token` undefined = no admin endpoints. */
export interface AdminHooks {
  readonly token: string | undefined;
  /** The reference set changed: recalibrate and rebuild the router (off the event loop); resolves when it is in force. */
  referencesChanged(): Promise<void>;
  rebuild(): Promise<{ references: number; embedded: number; seconds: number }>;
}

export function createApp(deps: AppDeps) {
  const doc = openApiDocument({ adminEnabled: deps.admin.token !== undefined, apiKeyRequired: deps.requireProxyKey, version: deps.version });
  // Filled once every route is mounted; the not-found handler reads it to tell 405 from 404.
  let methods: ReturnType<typeof methodTable> = [];
  const app = new Hono<AppEnv>()
    .use(requestId())
    .use(wideEvent(deps.logger))
    // CORS only when origins are configured: by default a browser page cannot call the router.
    .use('*', deps.corsOrigins.length > 0 ? cors({ origin: [...deps.corsOrigins] }) : async (_c, next) => next())
    .use('/v1/*', deps.rateLimitPerMinute > 0 ? rateLimit(deps.rateLimitPerMinute, clientAddress) : async (_c, next) => next())
    .use(bodyLimit(deps.maxBodyBytes))
    .onError(onError)
    .notFound((c) => notFoundOrMethodNotAllowed(c, () => methods))
    .route('/v1', routeRoutes(deps))
    .route('/v1', outcomeRoutes(deps))
    .route('/v1', decisionRoutes(deps))
    .route('/v1', modelRoutes(deps))
    .route('/v1', chatRoutes(deps))
    .route('/v1', coverageRoutes(deps))
    .route('/', healthRoutes(deps))
    .get('/metrics', async (c) => {
      deps.metrics.indexSize.set(deps.index.size);
      const { contentType, body } = await deps.metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    })
    .route('/', docsRoutes(doc));
  // Without a token the admin endpoints do not exist at all (404), rather than answering 401.
  const full = deps.admin.token === undefined ? app : app.route('/v1/admin', adminRoutes(deps, deps.admin.token));
  methods = methodTable(full.routes);
  return full;
}

/** The peer address from @hono/node-server's incoming request, when there is one (not in app.request tests). */
function clientAddress(c: Context<AppEnv>): string {
  const env: unknown = c.env;
  if (typeof env === 'object' && env !== null && 'incoming' in env) {
    const incoming = env.incoming;
    if (typeof incoming === 'object' && incoming !== null && 'socket' in incoming) {
      const socket = incoming.socket;
      if (typeof socket === 'object' && socket !== null && 'remoteAddress' in socket && typeof socket.remoteAddress === 'string') return socket.remoteAddress;
    }
  }
  return 'unknown';
}
