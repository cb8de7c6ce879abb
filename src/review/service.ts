import type { DbopsConfig } from '../config/schema.js';
import { reviewSql } from './engine.js';
import { rules } from './rules/index.js';
import { resolveRules, type ResolvedRule } from './settings.js';
import type { ReviewReport } from './types.js';

export interface ReviewRequest {
  sql: string;
  purpose?: 'review' | 'change';
}

/** The review as commands use it: rules resolved once from the config. */
export interface Reviewer {
  review(request: ReviewRequest): Promise<ReviewReport>;
}

export function createReviewer(config: DbopsConfig): Reviewer {
  const resolved: ResolvedRule[] = resolveRules(rules, config.review);
  return {
    review: ({ sql, purpose }) => reviewSql(sql, { rules: resolved, purpose }),
  };
}
