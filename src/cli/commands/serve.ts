import { serve } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import { appDepsOf, type Deps } from '../bootstrap.js';
import type { ConfigReloader } from '../config-reload.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

/** Serves the app until SIGINT/SIGTERM, then stops accepting, saves the index and closes the database. */
export function runServe(deps: Deps, reloader?: ConfigReloader): void {
  const { config, logger } = deps;
  const app = createApp(appDepsOf(deps));
  const server = serve({ fetch: app.fetch, hostname: config.server.host, port: config.server.port }, (info) => {
    logger.info({ url: `http://${config.server.host}:${info.port}`, embedder: deps.embedder.fingerprint, references: deps.index.size }, 'listening');
  });
  const stopWatching = reloader?.watch();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stopWatching?.();
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    server.close(() => {
      deps.close();
      clearTimeout(timer);
      process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
