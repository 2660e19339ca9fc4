import { unknownEnvWarnings } from '#src/config/env-names.js';
import { configFilePath, loadConfig } from '#src/config/load.js';
import { AppError } from '#src/shared/errors.js';
import { createLogger } from '#src/shared/logger.js';
import { bootstrap } from '#src/cli/bootstrap.js';
import { COVERAGE_HELP, parseCoverageArgs, runCoverage } from '#src/cli/commands/coverage.js';
import { parseSeedArgs, runSeed, SEED_HELP } from '#src/cli/commands/seed.js';
import { listenWhileStarting, parseServeArgs, runServe, SERVE_HELP, serveOverrides } from '#src/cli/commands/serve.js';
import { createConfigReloader } from '#src/cli/config-reload.js';
import { progressReporter } from '#src/cli/progress.js';
import { warnUnsetUpstreamKeys } from '#src/proxy/upstream-keys.js';

// `#src/*` (package.json "imports") resolves to src/*.ts under tsx and vitest, and to the compiled
// dist/*.js under node (dist/package.json, written by scripts/build.ts, maps it there).

const HELP = `semroute: a local, explainable semantic LLM router

Usage: node dist/cli/main.js <command> [options]   (npm start, npm run seed -- …, npm run coverage -- …)

Commands:
  serve     start the HTTP service (seeds the bundled reference sets when the database is empty)
  seed      load reference sets into SQLite and the index
  coverage  report uncovered traffic as candidate intents

Each command takes --help. Environment: PORT, ROUTER_DATA_DIR, ROUTER_REFERENCE_DIR, ROUTER_CONFIG,
ROUTER_ADMIN_TOKEN, ROUTER_<SECTION>__<KEY> (see README).
`;

const COMMANDS = ['serve', 'seed', 'coverage'] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (value: string): value is Command => (COMMANDS as readonly string[]).includes(value);

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (!isCommand(command)) {
    process.stderr.write(`error: unknown command '${command}'; commands: ${COMMANDS.join(', ')} (see --help)\n`);
    return 2;
  }
  // Parse (and reject mistakes) before anything is loaded.
  const args = { serve: () => parseServeArgs(rest), seed: () => parseSeedArgs(rest), coverage: () => parseCoverageArgs(rest) }[command]();
  if (args.help) {
    process.stdout.write({ serve: SERVE_HELP, seed: SEED_HELP, coverage: COVERAGE_HELP }[command]);
    return 0;
  }
  // Only the composition root reads the environment.
  // eslint-disable-next-line n/no-process-env
  const env = process.env;
  const overrides = command === 'serve' ? serveOverrides(parseServeArgs(rest)) : {};
  const config = loadConfig({ env, overrides });
  const logger = createLogger(config.log.level);
  for (const { variable, message } of unknownEnvWarnings(env, config)) logger.warn({ variable }, message);
  switch (command) {
    case 'serve': {
      // Only serve proxies: seed and coverage never call an upstream.
      warnUnsetUpstreamKeys(config.catalog, env, logger.child({ module: 'proxy' }));
      const report = progressReporter('embedding references');
      // The server listens at once; /readyz says when the embedder, index and first seed are done.
      const { server, ready, releaseStartupSignals } = listenWhileStarting(config, logger, (onProgress, metrics) =>
        bootstrap(config, logger, {
          onProgress: (done, total) => (onProgress(done, total), report(done, total)),
          onCalibrationProgress: (done, total) => onProgress(done, total, 'calibrating'),
          env,
          metrics,
        }),
      );
      const deps = await ready;
      const file = configFilePath(env);
      runServe(server, deps, file === undefined ? undefined : createConfigReloader(deps, { env, file, overrides, logger: logger.child({ module: 'config' }) }));
      const pending = releaseStartupSignals();
      if (pending !== undefined) process.kill(process.pid, pending);
      return -1;
    }
    case 'seed': {
      const deps = await bootstrap({ ...config, seedOnEmpty: false }, logger, { onProgress: progressReporter('embedding') });
      try {
        return await runSeed(deps, parseSeedArgs(rest), (line) => process.stdout.write(`${line}\n`));
      } finally {
        await deps.close();
      }
    }
    case 'coverage': {
      const deps = await bootstrap(config, logger, { onProgress: progressReporter('embedding references') });
      try {
        return await runCoverage(deps, parseCoverageArgs(rest), {
          write: (text) => process.stdout.write(text),
          note: (line) => process.stderr.write(`${line}\n`),
          now: () => new Date(),
          onProgress: progressReporter('embedding prompts'),
        });
      } finally {
        await deps.close();
      }
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // A usage or config mistake is one line; anything else is a fault and keeps its stack.
    if (error instanceof AppError) process.stderr.write(`error: ${error.message}\n`);
    else process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = error instanceof AppError && error.code === 'VALIDATION_FAILED' ? 2 : 1;
  },
);
