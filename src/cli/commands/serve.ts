import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '../../config/schema.js';
import { createApp } from '../../server/app.js';
import { createStartingApp, type StartupProgress } from '../../server/starting-app.js';
import type { Logger } from '../../shared/logger.js';
import { appDepsOf, type Deps } from '../bootstrap.js';
import type { ConfigReloader } from '../config-reload.js';
import { shutDown } from '../shutdown.js';

type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

export interface StartingServer {
  readonly server: ServerType;
  /** Resolves with the deps once start-up is done and the real app answers; rejects (server closed) if it failed. */
  readonly ready: Promise<Deps>;
}

/**
 * Listens at once, answering with the starting app (healthz 200, readyz 503 with progress, the rest
 * 503 + Retry-After) while `start` loads the embedder, opens the index and seeds; then swaps in the
 * real app. `start` receives the progress callback to report (done, total) reference prompts embedded.
 */
export function listenWhileStarting(config: Config, logger: Logger, start: (onProgress: (done: number, total: number) => void) => Promise<Deps>): StartingServer {
  let progress: StartupProgress = { phase: 'loading', done: 0, total: 0 };
  let handler: FetchHandler = createStartingApp(() => progress).fetch;
  const server = serve({ fetch: (request, env) => handler(request, env), hostname: config.server.host, port: config.server.port });
  const listening = new Promise<string>((resolve) => {
    server.once('listening', () => {
      const address = server.address();
      const url = `http://${config.server.host}:${typeof address === 'object' && address !== null ? address.port : config.server.port}`;
      // `url` is logged with 'ready' (scripts wait for it); here only the address, as `listen`.
      logger.info({ listen: url }, 'listening; answering 503 with progress on /readyz until start-up is done');
      resolve(url);
    });
  });
  const started = start((done, total) => {
    progress = { phase: 'embedding', done, total };
  });
  const ready = Promise.all([started, listening]).then(
    ([deps, url]) => {
      handler = createApp(appDepsOf(deps)).fetch;
      logger.info({ url, embedder: deps.embedder.fingerprint, references: deps.index.size }, 'ready');
      return deps;
    },
    (error: unknown) => {
      server.close();
      throw error;
    },
  );
  return { server, ready };
}

/** Runs until SIGINT/SIGTERM, then shuts down gracefully (see shutdown.ts) and exits. */
export function runServe(server: ServerType, deps: Deps, reloader?: ConfigReloader): void {
  const { logger } = deps;
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
