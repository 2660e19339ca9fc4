import { watch, type FSWatcher } from 'node:fs';
import { loadConfig, type Env } from '../config/load.js';
import type { Logger } from '../shared/logger.js';
import { applyReloadedConfig, type Deps } from './bootstrap.js';

export interface ConfigReloader {
  /** Re-reads the file; a bad file is rejected with a log line and the running config stays. */
  reload(): boolean;
  /** Reloads on file change (debounced) and on SIGHUP; returns a function that stops both. */
  watch(): () => void;
}

export function createConfigReloader(deps: Deps, options: { env: Env; file: string; logger: Logger; debounceMs?: number }): ConfigReloader {
  const { env, file, logger } = options;
  const reload = (): boolean => {
    let next;
    try {
      next = loadConfig({ env, file });
    } catch (error) {
      logger.error({ file, error: error instanceof Error ? error.message : String(error) }, 'config file rejected; the running config stays in force');
      return false;
    }
    const needsRestart = applyReloadedConfig(deps, next);
    logger.info({ file, models: next.catalog.length, rules: next.rules.length }, 'config reloaded');
    if (needsRestart.length > 0) logger.warn({ sections: needsRestart }, 'these settings changed but take effect only after a restart');
    return true;
  };
  return {
    reload,
    watch() {
      let timer: NodeJS.Timeout | undefined;
      // Editors save in several writes (or by rename): wait for the file to settle.
      const onChange = () => {
        clearTimeout(timer);
        timer = setTimeout(reload, options.debounceMs ?? 250);
      };
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(file, onChange);
      } catch (error) {
        logger.warn({ file, error: String(error) }, 'cannot watch the config file; reload with SIGHUP');
      }
      const onHup = () => reload();
      process.on('SIGHUP', onHup);
      return () => {
        clearTimeout(timer);
        watcher?.close();
        process.off('SIGHUP', onHup);
      };
    },
  };
}
