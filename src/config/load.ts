import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { issueSentence } from '../shared/issue-messages.js';
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

const ENV_PREFIX = 'ROUTER_';
const DEFAULT_FILE = 'router.config.yaml';

/** Merges defaults < file < env < overrides, validates once, and freezes the result. */
export function loadConfig(options: LoadConfigOptions): Config {
  const file = options.file ?? configFilePath(options.env);
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const merged = deepMerge(deepMerge(fromFile, envOverrides(options.env)), options.overrides ?? {});
  return parseConfig(merged, file ?? '(no config file)');
}

/** The config file in use: ROUTER_CONFIG, else ./router.config.yaml when it exists. */
export function configFilePath(env: Env): string | undefined {
  return env['ROUTER_CONFIG'] ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
}

/** Validates a raw config tree; every issue is reported with its path. */
export function parseConfig(raw: unknown, source: string): Config {
  const result = ConfigSchema.safeParse(raw, { error: issueSentence });
  if (!result.success) throw configError(source, result.error.issues);
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
  if (env['PORT']) setPath(tree, ['server', 'port'], env['PORT']);
  if (env['ROUTER_DATA_DIR']) tree['dataDir'] = env['ROUTER_DATA_DIR'];
  if (env['ROUTER_REFERENCE_DIR']) tree['referenceDir'] = env['ROUTER_REFERENCE_DIR'];
  if (env['ROUTER_BACKGROUND_DIR']) tree['backgroundDir'] = env['ROUTER_BACKGROUND_DIR'];
  if (env['ROUTER_ADMIN_TOKEN']) setPath(tree, ['admin', 'token'], env['ROUTER_ADMIN_TOKEN']);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || !name.includes('__') || value === undefined) continue;
    const keys = name.slice(ENV_PREFIX.length).split('__').map(snakeToCamel);
    setPath(tree, keys, value);
  }
  return tree;
}

function configError(source: string, issues: readonly z.core.$ZodIssue[]): AppError {
  const details = issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const lines = details.map((d) => `  ${d.path}: ${d.message}`).join('\n');
  return new AppError('CONFIG_INVALID', `invalid configuration (${source}):\n${lines}`, details);
}

function snakeToCamel(word: string): string {
  return word.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
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
