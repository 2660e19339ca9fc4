import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadGenericFile } from './datasets/generic.js';
import { loadRouterbench } from './datasets/routerbench.js';
import { loadRoutellm, ROUTELLM_GROUPS, type RoutellmGroup } from './datasets/routellm.js';
import { loadRouterdc } from './datasets/routerdc.js';
import type { EvalDataset } from './types.js';
import { AppError } from '../shared/errors.js';

export const DATASET_NAMES = ['routerbench', 'routellm', 'routerdc'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Where each named dataset lives under the shared data folder. */
const FOLDERS: Record<DatasetName, string> = { routerbench: 'routerbench_subset', routellm: 'routellm', routerdc: 'routerdc_7model' };

export type DatasetSpec =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'named'; readonly name: DatasetName; readonly dataDir: string; readonly fullPrompt?: boolean; readonly groups?: readonly string[] };

/** Reads a dataset by name (from the shared data folder) or a generic JSONL file. */
export function loadDataset(spec: DatasetSpec): EvalDataset {
  if (spec.kind === 'file') return loadGenericFile(spec.file);
  const dir = path.join(spec.dataDir, FOLDERS[spec.name]);
  if (!existsSync(dir)) throw new AppError('VALIDATION_FAILED', `no ${spec.name} data at ${dir}: --data names the folder that holds ${FOLDERS[spec.name]}/`);
  switch (spec.name) {
    case 'routerbench':
      return loadRouterbench(dir, { fullPrompt: spec.fullPrompt ?? false });
    case 'routellm':
      return loadRoutellm(dir, routellmGroups(spec.groups));
    case 'routerdc':
      return loadRouterdc(dir);
  }
}

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** RouteLLM's benchmarks live in separate folders, so a group filter saves reading the others. */
function routellmGroups(groups: readonly string[] | undefined): RoutellmGroup[] {
  if (groups === undefined) return [...ROUTELLM_GROUPS];
  const known = ROUTELLM_GROUPS.filter((g) => groups.includes(g));
  const unknown = groups.filter((g) => !ROUTELLM_GROUPS.some((k) => k === g));
  if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `unknown routellm group(s) ${unknown.join(', ')}; known: ${ROUTELLM_GROUPS.join(', ')}`);
  return known;
}
