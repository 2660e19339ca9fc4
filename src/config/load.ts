import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { issueSentence } from '../shared/issue-messages.js';
import { ENV_PREFIX, envNameSuggestion, NAMED_ENV } from './env-names.js';
import { ConfigSchema, type Config } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;
type Tree = Record<string, unknown>;

export interface LoadConfigOptions {
  env: Env;
  /** Config file path; defaults to ROUTER_CONFIG, then ./router.config.yaml when it exists. */
  file?: string;
  /** Highest-precedence values, e.g. from CLI flags or tests. */
  overrides?: Tree;
}

const DEFAULT_FILE = 'router.config.yaml';

/** Merges defaults < file < env < overrides, validates once, and freezes the result. */
export function loadConfig(options: LoadConfigOptions): Config {
  const file = options.file ?? configFilePath(options.env);
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const overrides = options.overrides ?? {};
  const merged = deepMerge(deepMerge(fromFile, envOverrides(options.env)), overrides);
  // A value a flag overrode did not come from the environment, so the env var is not blamed for it.
  const fromEnv = envSettings(options.env).filter((s) => getPath(overrides, s.keys) === undefined);
  return parseConfig(merged, file ?? '(no config file)', new Map(fromEnv.map((s) => [s.keys.join('.'), s.name])));
}

/** The config file in use: ROUTER_CONFIG, else ./router.config.yaml when it exists. */
export function configFilePath(env: Env): string | undefined {
  return env['ROUTER_CONFIG'] ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
}

/**
 * Validates a raw config tree; every issue is reported with its path, and with the environment
 * variable that set it when `envNames` (dotted config path → variable name) says one did.
 */
export function parseConfig(raw: unknown, source: string, envNames: ReadonlyMap<string, string> = new Map()): Config {
  const result = ConfigSchema.safeParse(raw, { error: issueSentence });
  if (!result.success) throw configError(source, result.error.issues, envNames);
  return deepFreeze(result.data);
}

export function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw fileError(file, `cannot read config file ${file}`, cause);
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file) === '.json' ? JSON.parse(text) : parseStrictYaml(text);
  } catch (cause) {
    throw fileError(file, `${file} is not valid ${path.extname(file) === '.json' ? 'JSON' : 'YAML'}`, cause);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw fileError(file, `${file} must hold a mapping at the top level`);
  return parsed;
}

/**
 * YAML whose warnings are errors too: an unknown tag (`!!set`, a typo'd `!!int`) would otherwise
 * become a plain string, and yaml would print the warning to stderr instead of failing the load.
 */
function parseStrictYaml(text: string): unknown {
  const doc = parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw problem;
  return doc.toJS();
}

/** A problem with the file as a whole; like a schema issue it carries a detail, with path "(file)". */
function fileError(file: string, problem: string, cause?: unknown): AppError {
  const message = cause === undefined ? problem : `${problem}: ${cause instanceof Error ? cause.message : String(cause)}`;
  return new AppError('CONFIG_INVALID', `invalid configuration (${file}):\n  (file): ${message}`, [{ path: '(file)', message }], { cause });
}

/** PORT, ROUTER_DATA_DIR, ROUTER_REFERENCE_DIR, ROUTER_BACKGROUND_DIR and ROUTER_ADMIN_TOKEN, plus ROUTER_<SECTION>__<KEY> (snake case) for any key. */
export function envOverrides(env: Env): Tree {
  const tree: Tree = {};
  for (const { keys, value } of envSettings(env)) setPath(tree, keys, value);
  return tree;
}

interface EnvSetting {
  readonly name: string;
  readonly keys: readonly string[];
  readonly value: string;
}

/** Every config value the environment sets, in precedence order (a later one wins). */
function envSettings(env: Env): EnvSetting[] {
  const settings: EnvSetting[] = [];
  for (const [name, keys] of NAMED_ENV) {
    const value = env[name];
    if (value) settings.push({ name, keys, value });
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || !name.includes('__') || value === undefined) continue;
    settings.push({ name, keys: name.slice(ENV_PREFIX.length).split('__').map(snakeToCamel), value });
  }
  return settings;
}

/**
 * One line per issue. An issue on a value an environment variable set names that variable (not its
 * value: it may be a secret), and the header names the environment when no issue is the file's.
 */
function configError(source: string, issues: readonly z.core.$ZodIssue[], envNames: ReadonlyMap<string, string>): AppError {
  const details = issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const envNamesByIssue = issues.map((i) => envNamesFor(i, envNames));
  const lines = details.map((d, n) => `  ${d.path}: ${d.message}${envNote(issues[n], envNamesByIssue[n] ?? [])}`).join('\n');
  const fromEnv = envNamesByIssue.filter((e) => e.length > 0).length;
  const header = fromEnv === issues.length ? 'environment' : fromEnv > 0 ? `${source} and environment` : source;
  return new AppError('CONFIG_INVALID', `invalid configuration (${header}):\n${lines}`, details);
}

/** " (set by environment variable X)"; for a key the schema does not know, with the setting it most likely meant. */
function envNote(issue: z.core.$ZodIssue | undefined, names: readonly string[]): string {
  if (names.length === 0) return '';
  const meant = issue?.code === 'unrecognized_keys' ? names.map(envNameSuggestion).filter((m) => m !== undefined) : [];
  return ` (set by environment variable ${names.join(', ')}${meant.length > 0 ? `; did you mean ${meant.join(', ')}?` : ''})`;
}

/**
 * The variable that set the issue's value, or one of its parents; for unknown keys, the variables
 * that set the key or anything under it (ROUTER_ROUTNG__K sets routng.k: the unknown key is routng).
 */
function envNamesFor(issue: z.core.$ZodIssue, envNames: ReadonlyMap<string, string>): string[] {
  const keys = issue.path.map(String);
  for (let n = keys.length; n > 0; n--) {
    const name = envNames.get(keys.slice(0, n).join('.'));
    if (name !== undefined) return [name];
  }
  if (issue.code !== 'unrecognized_keys') return [];
  const unknown = issue.keys.map((k) => [...keys, k].join('.'));
  return [...envNames].filter(([path]) => unknown.some((u) => path === u || path.startsWith(`${u}.`))).map(([, name]) => name);
}

function snakeToCamel(word: string): string {
  return word.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function getPath(tree: Tree, keys: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of keys) node = isTree(node) ? node[key] : undefined;
  return node;
}

function setPath(tree: Tree, keys: readonly string[], value: unknown): void {
  let node = tree;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    node = isTree(next) ? next : (node[key] = {});
  });
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isTree(prev) && isTree(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
