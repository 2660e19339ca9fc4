import { configFilePath, loadConfig } from '../config/load.js';
import { createConfigReloader } from './config-reload.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { bootstrap } from './bootstrap.js';
import { COVERAGE_HELP, parseCoverageArgs, runCoverage } from './commands/coverage.js';
import { parseSeedArgs, runSeed, SEED_HELP } from './commands/seed.js';
import { listenWhileStarting, runServe } from './commands/serve.js';
import { progressReporter } from './progress.js';

const HELP = `semroute: a local, explainable semantic LLM router

Usage: tsx src/cli/main.ts <command> [options]   (npm start, npm run seed -- ...)

Commands:
  serve   start the HTTP service (seeds the bundled reference sets when the database is empty)
  seed    load reference sets into SQLite and the index (see: npm run seed -- --help)
  coverage  report uncovered traffic as candidate intents (see: npm run coverage -- --help)

Environment: PORT, ROUTER_DATA_DIR, ROUTER_REFERENCE_DIR, ROUTER_CONFIG, ROUTER_ADMIN_TOKEN, ROUTER_<SECTION>__<KEY> (see README).
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'seed' && parseSeedArgs(rest).help) {
    process.stdout.write(SEED_HELP);
    return 0;
  }
  if (command === 'coverage' && parseCoverageArgs(rest).help) {
    process.stdout.write(COVERAGE_HELP);
    return 0;
  }
  // Only the composition root reads the environment.
  // eslint-disable-next-line n/no-process-env
  const config = loadConfig({ env: process.env });
  const logger = createLogger(config.log.level);
  switch (command) {
    case 'serve': {
      const report = progressReporter('embedding references');
      // The server listens at once; /readyz says when the embedder, index and first seed are done.
      const { server, ready } = listenWhileStarting(config, logger, (onProgress) =>
        // eslint-disable-next-line n/no-process-env
        bootstrap(config, logger, { onProgress: (done, total) => (onProgress(done, total), report(done, total)), env: process.env }),
      );
      const deps = await ready;
      // eslint-disable-next-line n/no-process-env
      const file = configFilePath(process.env);
      runServe(server, deps, file === undefined ? undefined : createConfigReloader(deps, { env: process.env, file, logger: logger.child({ module: 'config' }) }));
      return -1;
    }
    case 'seed': {
      const args = parseSeedArgs(rest);
      const deps = await bootstrap({ ...config, seedOnEmpty: false }, logger, { onProgress: progressReporter('embedding') });
      try {
        return await runSeed(deps, args, (line) => process.stdout.write(`${line}\n`));
      } finally {
        deps.close();
      }
    }
    case 'coverage': {
      const args = parseCoverageArgs(rest);
      const deps = await bootstrap(config, logger, { onProgress: progressReporter('embedding references') });
      try {
        return await runCoverage(deps, args, {
          write: (text) => process.stdout.write(text),
          note: (line) => process.stderr.write(`${line}\n`),
          now: () => new Date(),
          onProgress: progressReporter('embedding prompts'),
        });
      } finally {
        deps.close();
      }
    }
    default:
      process.stderr.write(`unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof AppError) process.stderr.write(`error: ${error.message}\n`);
    else process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
