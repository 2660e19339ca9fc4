import type { Logger } from '../shared/logger.js';

/** Per-request values handlers share through the Hono context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
    /** One wide event per request: handlers add fields, the middleware logs it once. */
    event: Record<string, unknown>;
  };
};
