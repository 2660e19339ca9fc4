import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { CatalogModel } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import type { ReferenceIndex } from '../routing/reference-index.js';
import type { Router } from '../routing/router.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { AppEnv } from './env.js';
import { wideEvent } from './middleware/wide-event.js';
import { notFound, onError } from './problem.js';
import { healthRoutes } from './routes/health.js';
import { routeRoutes } from './routes/route.js';

/** Everything the HTTP layer needs, built once by the composition root. */
export interface AppDeps {
  readonly router: Router;
  readonly embedder: Embedder;
  readonly index: ReferenceIndex;
  readonly references: SqliteReferenceStore;
  readonly catalog: readonly CatalogModel[];
  readonly defaultModel: string;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requestId())
    .use(wideEvent(deps.logger))
    .use(
      bodyLimit({
        maxSize: deps.maxBodyBytes,
        onError: () => {
          throw new AppError('PAYLOAD_TOO_LARGE', `request body is larger than ${deps.maxBodyBytes} bytes`);
        },
      }),
    )
    .onError(onError)
    .notFound(notFound)
    .route('/v1', routeRoutes(deps))
    .route('/', healthRoutes(deps));
}
