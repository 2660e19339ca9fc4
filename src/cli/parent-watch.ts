/**
 * The parent process id when this module was first loaded, i.e. at start-up: the npm process under
 * `npm start`, whose own exit re-parents us (to init or a subreaper), changing `process.ppid`.
 */
const PARENT_AT_START = process.ppid;

/**
 * Calls `onGone` once when the process that started this one has exited. npm 11 forwards only SIGINT
 * and SIGTERM to the script it runs; on SIGHUP it exits (code 129) and would leave the server
 * orphaned, still holding its port. Polls `process.ppid` (a cached read, no syscall work worth
 * counting) every `intervalMs` on an unref'd timer, so it never keeps the process alive.
 * Returns a function that stops watching.
 */
export function watchParent(onGone: (was: number, now: number) => void, intervalMs = 1000): () => void {
  const timer = setInterval(() => {
    const now = process.ppid;
    if (now === PARENT_AT_START) return;
    clearInterval(timer);
    onGone(PARENT_AT_START, now);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
