import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from './errors.js';

/*
 * Every command line in the project (the CLI's commands and every script) is parsed by Node's own
 * util.parseArgs (node core, stable since Node 20), through these two wrappers, so that a mistake
 * reads the same everywhere: one line naming the option, no stack trace, exit code 2.
 */

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends OptionsConfig> = O & { help: { type: 'boolean'; short: 'h'; default: false } };
type StrictConfig<O extends OptionsConfig> = { args: string[]; options: WithHelp<O>; strict: true; allowPositionals: boolean };
/** What parseArgs returns for these options, `help` included. */
export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<O>>>;

export interface ParseOptions {
  /** Accept arguments that are not options (default false: a stray word is an error). */
  readonly allowPositionals?: boolean;
}

/**
 * Parses `argv` strictly and adds `-h/--help`. A mistake throws AppError('VALIDATION_FAILED') with a
 * one-line message that names the option and points at --help.
 */
export function parseOptions<const O extends OptionsConfig>(argv: readonly string[], options: O, opts: ParseOptions = {}): ParsedCommandLine<O> {
  const all: WithHelp<O> = { ...options, help: { type: 'boolean', short: 'h', default: false } };
  try {
    return parseArgs({ args: [...argv], options: all, strict: true, allowPositionals: opts.allowPositionals ?? false });
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', `${usageMessage(error)}; see --help`);
  }
}

/**
 * For scripts: as parseOptions, and it answers --help by printing `help` (exit 0) and a mistake by
 * printing one line to stderr (exit 2), so no script needs its own handling.
 */
export function parseScriptOptions<const O extends OptionsConfig>(argv: readonly string[], options: O, help: string, opts: ParseOptions = {}): ParsedCommandLine<O> {
  let parsed: ParsedCommandLine<O>;
  try {
    parsed = parseOptions(argv, options, opts);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if ('help' in parsed.values && parsed.values.help === true) {
    process.stdout.write(help.endsWith('\n') ? help : `${help}\n`);
    process.exit(0);
  }
  return parsed;
}

/** Node's parse errors are long (they explain `--`); keep the first sentence, lower-cased. */
function usageMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error ? String(error.code) : '';
  const option = /'([^']+)'/.exec(error.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && option !== undefined) return `unexpected argument '${option}'`;
  const first = error.message.split(/\.\s/)[0] ?? error.message;
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, '');
}

/**
 * A drop-in for util.parseArgs in scripts that print their own help: always strict, and a mistake
 * prints one line to stderr and exits 2 instead of throwing a stack trace.
 */
export function parseScriptArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T & { strict: true }>> {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    process.stderr.write(`error: ${usageMessage(error)}; see --help\n`);
    process.exit(2);
  }
}
