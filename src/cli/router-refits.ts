import type { Config } from '../config/schema.js';
import type { Router } from '../routing/router.js';
import type { Logger } from '../shared/logger.js';

/**
 * `applied`: the new router (and config, if one was given) is in force. `superseded`: a later config
 * replaced this one before its refit started. `failed`: the refit threw; what ran before stays.
 */
export type RefitOutcome = 'applied' | 'superseded' | 'failed';

/** What a refit swaps: the live config and router of the composition root. */
export interface RefitTarget {
  config: Config;
  router: Router;
}

export interface RouterRefitsOptions {
  readonly target: () => RefitTarget;
  /**
   * Builds a router for `config` (the fit runs off the event loop; see fit-worker-client.ts).
   * `storeChanged`: references or records changed (not only the config), so totals are read afresh.
   */
  readonly build: (config: Config, options: { refit: boolean; storeChanged: boolean }) => Promise<Router>;
  readonly logger: Logger;
}

interface Waiting {
  config?: Config;
  /** The caller of the config change waiting to run; a newer config supersedes it. */
  configWaiter?: (outcome: RefitOutcome) => void;
  refit: boolean;
  readonly waiters: ((outcome: RefitOutcome) => void)[];
}

/**
 * Rebuilds the router on a reference or config change, one refit at a time. Requests that arrive
 * while a refit runs wait and are coalesced into one follow-up refit, which reads the store as it
 * then is; of several config changes waiting, the last wins. Requests keep being served by the
 * current router until a refit finishes; then config and router are swapped in one synchronous step.
 */
export class RouterRefits {
  private running = false;
  private waiting: Waiting | undefined;
  private closed = false;

  constructor(private readonly options: RouterRefitsOptions) {}

  /**
   * Resolves once a refit that started after this call has finished (or once `config` was
   * superseded). Without `config`: the store changed (admin edits, a rebuild).
   */
  request(change: { config?: Config; refit?: boolean } = {}): Promise<RefitOutcome> {
    return new Promise((resolve) => {
      const waiting = (this.waiting ??= { refit: false, waiters: [] });
      if (change.config) {
        waiting.configWaiter?.('superseded');
        waiting.config = change.config;
        waiting.configWaiter = resolve;
      } else waiting.waiters.push(resolve);
      waiting.refit ||= change.refit ?? false;
      if (!this.running) void this.drain();
    });
  }

  /** Refits still waiting resolve `failed`; one running finishes without being applied. */
  close(): void {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) settle(waiting, 'failed');
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let job = this.take(); job !== undefined; job = this.take()) settle(job, await this.run(job));
    this.running = false;
  }

  private take(): Waiting | undefined {
    const job = this.waiting;
    this.waiting = undefined;
    return job;
  }

  private async run(job: Waiting): Promise<RefitOutcome> {
    const target = this.options.target();
    const config = job.config ?? target.config;
    try {
      const router = await this.options.build(config, { refit: job.refit, storeChanged: job.waiters.length > 0 || job.refit });
      if (this.closed) return 'failed';
      // One step: no request sees the new config with the old router, or the reverse.
      target.config = config;
      target.router = router;
      return 'applied';
    } catch (error) {
      if (!this.closed) this.options.logger.error({ err: error }, 'refitting the router failed; the running router and config stay in force');
      return 'failed';
    }
  }
}

function settle(job: Waiting, outcome: RefitOutcome): void {
  job.configWaiter?.(outcome);
  for (const resolve of job.waiters) resolve(outcome);
}
