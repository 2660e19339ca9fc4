import { z } from 'zod';
import { closestName } from '../shared/spelling.js';
import { ConfigSchema, type Config } from './schema.js';

export const ENV_PREFIX = 'ROUTER_';

/** Variables that set one value each, besides ROUTER_<SECTION>__<KEY>; in precedence order. */
export const NAMED_ENV: readonly (readonly [name: string, keys: readonly string[]])[] = [
  ['PORT', ['server', 'port']],
  ['ROUTER_DATA_DIR', ['dataDir']],
  ['ROUTER_REFERENCE_DIR', ['referenceDir']],
  ['ROUTER_BACKGROUND_DIR', ['backgroundDir']],
  ['ROUTER_ADMIN_TOKEN', ['admin', 'token']],
];

/** Read by configFilePath, not a config value. */
const CONFIG_FILE_ENV = 'ROUTER_CONFIG';

let settingNames: readonly string[] | undefined;

/** Every ROUTER_ variable the loader reads: the named ones, ROUTER_CONFIG and ROUTER_<SECTION>__<KEY> for each key in a section. */
export function settingEnvNames(): readonly string[] {
  settingNames ??= [
    CONFIG_FILE_ENV,
    ...NAMED_ENV.map(([name]) => name).filter((name) => name.startsWith(ENV_PREFIX)),
    ...leafPaths(ConfigSchema, [])
      .filter((keys) => keys.length > 1)
      .map((keys) => ENV_PREFIX + keys.map(envSegment).join('__')),
  ];
  return settingNames;
}

/** The setting a mistyped ROUTER_ variable most likely meant (compared without the prefix), if one is close. */
export function envNameSuggestion(name: string): string | undefined {
  const bare = (n: string) => n.slice(ENV_PREFIX.length);
  const meant = closestName(bare(name), settingEnvNames().map(bare));
  return meant === undefined ? undefined : ENV_PREFIX + meant;
}

/**
 * One warning per ROUTER_ variable without a section (no `__`) that sets nothing, with the setting
 * it most likely meant: the loader ignores such names, so a typo (ROUTER_DATADIR) would go
 * unnoticed. Names the config reads as upstream or proxy key variables are in use and left out.
 */
export function unknownEnvWarnings(env: Readonly<Record<string, string | undefined>>, config: Config): { variable: string; message: string }[] {
  const inUse = new Set([
    ...settingEnvNames(),
    ...config.catalog.flatMap((m) => (m.upstream?.apiKeyEnv ? [m.upstream.apiKeyEnv] : [])),
    ...config.proxy.budgets.keys.map((k) => k.keyEnv),
  ]);
  return Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !name.includes('__') && !inUse.has(name))
    .sort()
    .map((variable) => {
      const meant = envNameSuggestion(variable);
      const hint = meant === undefined ? ' (a setting in a section is ROUTER_<SECTION>__<KEY>, see README)' : `; did you mean ${meant}?`;
      return { variable, message: `environment variable ${variable} is not a setting and is ignored${hint}` };
    });
}

/** costWeight → COST_WEIGHT (the loader maps it back with snakeToCamel). */
function envSegment(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Paths to the values of nested objects (through defaults and optionals, and into unions of objects). */
function leafPaths(schema: unknown, path: readonly string[]): string[][] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return Object.entries(inner.shape).flatMap(([key, child]) => leafPaths(child, [...path, key]));
  if (inner instanceof z.ZodUnion && inner.options.some((o) => unwrap(o) instanceof z.ZodObject)) {
    return [...new Map(inner.options.flatMap((o) => leafPaths(o, path)).map((p) => [p.join('.'), p])).values()];
  }
  return [[...path]];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
  return current;
}
