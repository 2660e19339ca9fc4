import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

/** The one structured (JSON lines) logger; modules get `logger.child({ module })` through their deps. */
export type Logger = PinoLogger;

export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stderr);
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
