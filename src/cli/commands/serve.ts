import { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { createApp } from '../../server/app.js';
import { createStartingApp, type StartupPhase, type StartupProgress } from '../../server/starting-app.js';
import { parseOptions } from '../../shared/command-line.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { Metrics } from '../../shared/metrics.js';
import { appDepsOf, type Deps } from '../bootstrap.js';
import type { ConfigReloader } from '../config-reload.js';
import { watchParent } from '../parent-watch.js';
import { shutDown } from '../shutdown.js';
import { formatRoutingLine } from '../routing-line.js';

export const SERVE_HELP = `Usage: npm start [-- options]      (or: node dist/cli/main.js serve [options])

Starts the HTTP service. It listens at once (/readyz answers 503 with progress) while the embedder
loads and, on first start, the bundled reference sets are seeded into an empty database.

Options:
  --port <n>     port to listen on (default: server.port in the config, or PORT; 0 picks a free one)
  --host <addr>  address to bind (default: server.host, 127.0.0.1; 0.0.0.0 for every interface)
  -h, --help     show this help

Signals: SIGTERM or SIGINT drain in-flight requests, commit writes, save the index and exit (0, or 1
when the deadline cut requests short). SIGHUP reloads the config file (catalog, rules, routing).
Under a process manager run node directly (see README, "Running in production") so that SIGHUP
reaches the server; npm forwards SIGTERM and SIGINT only, and when npm exits (as on SIGHUP) the
server it started notices within a second and stops as on SIGTERM.
`;

const ServeArgsSchema = z.object({
  port: z.coerce.number({ error: '--port must be a number' }).int('--port must be a whole number').min(0, '--port must be 0 to 65535').max(65_535, '--port must be 0 to 65535').optional(),
  host: z.string().min(1, '--host must not be empty').optional(),
  help: z.boolean(),
});
export type ServeArgs = z.infer<typeof ServeArgsSchema>;

/** `serve [--port n] [--host addr] [--help]`; a mistake is an AppError with a one-line message. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const { values } = parseOptions(argv, { port: { type: 'string' }, host: { type: 'string' } });
  const parsed = ServeArgsSchema.safeParse(values);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** The flags as a config overlay (flags beat env and file). */
export function serveOverrides(args: ServeArgs): Record<string, unknown> {
  const server = { ...(args.port !== undefined ? { port: args.port } : {}), ...(args.host !== undefined ? { host: args.host } : {}) };
  return Object.keys(server).length > 0 ? { server } : {};
}

type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

export interface StartingServer {
  readonly server: ServerType;
  /** Resolves with the deps once start-up is done and the real app answers; rejects (server closed) if it failed. */
  readonly ready: Promise<Deps>;
  /**
   * Drops the start-up signal handlers; call once runServe has installed its own. Returns the
   * SIGTERM or SIGINT that arrived during start-up, if any, for the caller to re-raise.
   */
  readonly releaseStartupSignals: () => NodeJS.Signals | undefined;
}

/**
 * Listens at once, answering with the starting app (healthz 200, readyz 503 with progress, the rest
 * 503 + Retry-After) while `start` loads the embedder, opens the index and seeds; then swaps in the
 * real app. `start` receives the progress callback to report (done, total) reference prompts embedded,
 * then, with phase 'calibrating', background prompts; and the metrics /metrics serves from the start,
 * for the deps to keep (bootstrap's `metrics` option), so the start-up figures outlive start-up.
 */
export function listenWhileStarting(
  config: Config,
  logger: Logger,
  start: (onProgress: (done: number, total: number, phase?: StartupPhase) => void, metrics: Metrics) => Promise<Deps>,
): StartingServer {
  let progress: StartupProgress = { phase: 'loading', done: 0, total: 0 };
  const metrics = new Metrics();
  const startup = metrics.trackStartup();
  let handler: FetchHandler = createStartingApp(() => progress, metrics).fetch;
  // A signal's default action ends the process at once. Until runServe handles them, SIGHUP is only
  // logged, and SIGTERM/SIGINT are kept to be re-raised then, so they still drain and exit cleanly.
  let pendingStop: NodeJS.Signals | undefined;
  const startupHup = () => logger.warn('SIGHUP during start-up: the config file is read when start-up is done');
  const startupStop = (signal: NodeJS.Signals) => {
    pendingStop ??= signal;
    logger.info({ signal }, 'stop requested during start-up; stopping once it is done');
  };
  process.on('SIGHUP', startupHup);
  process.on('SIGTERM', startupStop);
  process.on('SIGINT', startupStop);
  const server = serve({ fetch: (request, env) => handler(request, env), hostname: config.server.host, port: config.server.port });
  useKeepAlive(server, config.server.keepAliveTimeoutMs);
  server.once('error', (error: NodeJS.ErrnoException) => {
    const message = error.code === 'EADDRINUSE' ? `port ${config.server.port} is in use; set PORT (or --port)` : `cannot listen on ${config.server.host}:${config.server.port}: ${error.message}`;
    logger.error({ code: error.code }, message);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  });
  const listening = new Promise<string>((resolve) => {
    server.once('listening', () => {
      const address = server.address();
      const url = `http://${config.server.host}:${typeof address === 'object' && address !== null ? address.port : config.server.port}`;
      // `url` is logged with 'ready' (scripts wait for it); here only the address, as `listen`, and
      // the pid, so an operator can signal the server before start-up is done.
      logger.info({ listen: url, pid: process.pid }, 'listening; answering 503 with progress on /readyz until start-up is done');
      resolve(url);
    });
  });
  const started = start((done, total, phase = 'embedding') => {
    progress = { phase, done, total };
    startup.progress(phase, done, total);
  }, metrics);
  const ready = Promise.all([started, listening]).then(
    ([deps, url]) => {
      startup.ready();
      handler = createApp(appDepsOf(deps)).fetch;
      logger.info({ url, pid: process.pid, embedder: deps.embedder.fingerprint, references: deps.index.size }, 'ready');
      logger.info({ routing: deps.router.describe() }, formatRoutingLine(deps.router.describe()));
      return deps;
    },
    (error: unknown) => {
      server.close();
      throw error;
    },
  );
  const releaseStartupSignals = () => {
    process.off('SIGHUP', startupHup);
    process.off('SIGTERM', startupStop);
    process.off('SIGINT', startupStop);
    return pendingStop;
  };
  return { server, ready, releaseStartupSignals };
}

/** Runs until SIGINT/SIGTERM, then shuts down gracefully (see shutdown.ts) and exits; SIGHUP reloads the config file. */
export function runServe(server: ServerType, deps: Deps, reloader?: ConfigReloader): void {
  const { logger } = deps;
  const stopWatching = reloader?.watch();
  // Started by npm (which sets npm_lifecycle_event): when npm exits without forwarding a signal
  // (SIGHUP), stop as on SIGTERM rather than live on orphaned, holding the port.
  const stopWatchingParent =
    process.env['npm_lifecycle_event'] === undefined
      ? undefined
      : watchParent((was, now) => {
          logger.warn({ parentPid: was, ppid: now }, 'the npm process that started the server has exited; stopping as on SIGTERM');
          stop('parent-exit');
        });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopWatching?.();
    stopWatchingParent?.();
    shutDown(server, deps, signal).then(
      (code) => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Without a config file there is nothing to reload, but SIGHUP must not kill the server either.
  if (reloader === undefined) process.on('SIGHUP', () => logger.warn('SIGHUP: no config file in use (ROUTER_CONFIG or ./router.config.yaml), nothing to reload'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Sets the idle keep-alive timeout, and keeps the header timeout above it so a reused connection's next request is not cut by the header timer first. */
export function useKeepAlive(server: ServerType, keepAliveTimeoutMs: number): void {
  if (!(server instanceof HttpServer)) return;
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = Math.max(server.headersTimeout, keepAliveTimeoutMs + 1_000);
}
