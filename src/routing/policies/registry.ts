import { decide } from '../policy.js';
import { decideKnnSuccess, type Policy } from './knn-success.js';

/** Every policy by name: the similarity-weighted win rate (the router's own) and knn-success. */
export const POLICY_NAMES = ['knn-winrate', 'knn-success'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const POLICIES = {
  'knn-winrate': decide,
  'knn-success': decideKnnSuccess,
} satisfies Record<PolicyName, Policy>;

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}
