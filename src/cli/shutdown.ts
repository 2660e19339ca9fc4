import { Server as HttpServer } from 'node:http';
import type { Deps } from './bootstrap.js';

/** What shutDown needs of the listening server (node:http, or an http2 server without idle tracking). */
export interface ClosableServer {
  close(callback: (error?: Error) => void): unknown;
}

/** Idle keep-alive connections are closed at once and then as requests finish, at this interval. */
const IDLE_SWEEP_MS = 50;
/** Outcome writes of requests that already finished get this long even when the deadline is spent. */
const WRITE_GRACE_MS = 1_000;
/** Embedding workers get this long to terminate (one in a native call finishes it first). */
const WORKER_EXIT_MS = 5_000;

/**
 * Stops the service in order: no new connections; in-flight requests finish while idle keep-alive
 * connections are closed (they would otherwise hold the server open); the proxy's outcome writes
 * and the write queue commit; the index is saved and the database closed. Connections still busy
 * at the deadline are cut, and everything already written is still committed. Resolves to the exit
 * code: 0 when every request finished, 1 when the deadline cut some.
 */
export async function shutDown(server: ClosableServer, deps: Deps, signal: string): Promise<number> {
  const { logger } = deps;
  const deadlineMs = deps.config.server.shutdownDeadlineMs;
  const started = performance.now();
  const closing = closeServer(server, deadlineMs);
  // Logged once the listener is closed: from here on a new connection is refused.
  logger.info({ signal, deadlineMs }, 'shutting down: no new connections, draining in-flight requests');
  const drained = await closing;
  if (!drained) logger.error({ deadlineMs }, 'shutdown deadline passed; cut the connections still open');
  const remaining = Math.max(WRITE_GRACE_MS, deadlineMs - (performance.now() - started));
  await Promise.race([deps.proxy.idle(), new Promise((resolve) => setTimeout(resolve, remaining).unref())]);
  // Writes are committed and the database closed synchronously inside close(); the wait is for the
  // embedding workers. process.exit() while one is still tearing down onnxruntime's native binding
  // ends the process by a signal instead of exit code 0 (seen in CI after a config reload).
  const workersExited = await Promise.race([deps.close().then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, WORKER_EXIT_MS, false).unref())]);
  if (!workersExited) logger.warn({ waitedMs: WORKER_EXIT_MS }, 'embedding workers had not exited; exiting anyway');
  logger.info({ ms: Math.round(performance.now() - started), drained }, 'stopped: writes committed, index saved, database closed');
  return drained ? 0 : 1;
}

/** Resolves true once every connection has ended, false if the deadline cut some. */
function closeServer(server: ClosableServer, deadlineMs: number): Promise<boolean> {
  const http = server instanceof HttpServer ? server : undefined;
  return new Promise((resolve) => {
    const sweep = setInterval(() => http?.closeIdleConnections(), IDLE_SWEEP_MS);
    const finish = (drained: boolean) => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(drained);
    };
    const deadline = setTimeout(() => {
      http?.closeAllConnections();
      finish(false);
    }, deadlineMs);
    server.close(() => finish(true));
    http?.closeIdleConnections();
  });
}
