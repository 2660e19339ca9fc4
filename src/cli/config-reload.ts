import { createHash } from 'node:crypto';
import { readFileSync, unwatchFile, watch, watchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Env } from '../config/load.js';
import { warnUnsetUpstreamKeys } from '../proxy/upstream-keys.js';
import type { Logger } from '../shared/logger.js';
import { applyReloadedConfig, type Deps } from './bootstrap.js';
import type { RefitOutcome } from './router-refits.js';
import { formatRoutingLine } from './routing-line.js';

/** `rejected`: the file did not parse; the others are the refit's (router-refits.ts). */
export type ReloadOutcome = 'rejected' | RefitOutcome;

export interface ConfigReloader {
  /**
   * Re-reads the file; a bad file is rejected with a log line and the running config stays. A good
   * one is applied with a router refitted for it, off the event loop: resolves once it is in force
   * (or failed, or was superseded by a later reload while it waited; reloads run one at a time).
   */
  reload(): Promise<ReloadOutcome>;
  /** Reloads on file change (debounced) and on SIGHUP; returns a function that stops both. */
  watch(): () => void;
}

export interface ConfigReloaderOptions {
  readonly env: Env;
  readonly file: string;
  readonly logger: Logger;
  readonly debounceMs?: number;
  /** How often the file's stat is polled as well, for changes the directory watch cannot see. */
  readonly pollMs?: number;
  /** The command line's settings (`serve --port`), applied on every reload as at start. */
  readonly overrides?: Record<string, unknown>;
}

export function createConfigReloader(deps: Deps, options: ConfigReloaderOptions): ConfigReloader {
  const { env, file, logger } = options;
  let lastSeen = fingerprintOf(file);
  const reload = async (): Promise<ReloadOutcome> => {
    lastSeen = fingerprintOf(file);
    let next;
    try {
      next = loadConfig({ env, file, ...(options.overrides ? { overrides: options.overrides } : {}) });
    } catch (error) {
      logger.error({ file, error: error instanceof Error ? error.message : String(error) }, 'config file rejected; the running config stays in force');
      return 'rejected';
    }
    const previousCatalog = deps.config.catalog;
    const { outcome, needsRestart } = await applyReloadedConfig(deps, next);
    // failed: the refit logged why; superseded: a later reload's lines follow.
    if (outcome !== 'applied') return outcome;
    logger.info({ file, models: next.catalog.length, rules: next.rules.length }, 'config reloaded');
    warnUnsetUpstreamKeys(next.catalog, env, logger, previousCatalog);
    if (needsRestart.length > 0) logger.warn({ sections: needsRestart }, 'these settings changed but take effect only after a restart');
    // The router was rebuilt: its fit, the target's cost weight and the expected shares, as at start.
    const routing = deps.router.describe();
    logger.info({ routing }, formatRoutingLine(routing));
    return 'applied';
  };
  /** After any event: reload only when the content changed, and wait quietly while the file is gone. */
  const reloadIfChanged = (): void => {
    const now = fingerprintOf(file);
    if (now === lastSeen) return;
    if (now === null) {
      lastSeen = null;
      logger.warn({ file }, 'config file is gone; the running config stays in force until it is back');
      return;
    }
    void reload();
  };
  return {
    reload,
    watch: () => watchConfigFile(file, reloadIfChanged, reload, options),
  };
}

/**
 * Editors (vim, sed -i, most IDEs) save by writing a new file and renaming it over the old one, and
 * a Kubernetes ConfigMap swaps a symlink: a watch on the file itself sees one rename, then watches a
 * file that no longer exists. So the directory is watched (it sees every rename, deletion and
 * re-creation in it) and the path is also polled by stat (which follows symlinks into other
 * directories); both only trigger a content comparison, and SIGHUP always reloads.
 */
function watchConfigFile(file: string, onEvent: () => void, onHup: () => void, options: ConfigReloaderOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(onEvent, options.debounceMs ?? 250);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(path.resolve(file)), settle);
    watcher.on('error', (error) => options.logger.warn({ file, error: String(error) }, 'config directory watch failed; polling and SIGHUP still reload'));
  } catch (error) {
    options.logger.warn({ file, error: String(error) }, 'cannot watch the config directory; polling and SIGHUP still reload');
  }
  const pollMs = options.pollMs ?? 2000;
  watchFile(file, { interval: pollMs, persistent: false }, settle);
  const hup = () => void onHup();
  process.on('SIGHUP', hup);
  return () => {
    clearTimeout(timer);
    watcher?.close();
    unwatchFile(file, settle);
    process.off('SIGHUP', hup);
  };
}

/** A hash of the file's bytes (through any symlinks), or null when it cannot be read. */
function fingerprintOf(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}
