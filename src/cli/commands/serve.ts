import { serve } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import { appDepsOf, type Deps } from '../bootstrap.js';
import type { ConfigReloader } from '../config-reload.js';
import { shutDown } from '../shutdown.js';

/** Serves the app until SIGINT/SIGTERM, then shuts down gracefully (see shutdown.ts) and exits. */
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
    stopWatching?.();
    shutDown(server, deps, signal).then(
      (code) => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
