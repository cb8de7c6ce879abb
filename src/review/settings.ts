import { z } from 'zod';
import type { Environment, RuleSetting } from '../config/schema.js';
import type { DbopsConfig } from '../config/schema.js';
import { ConfigError } from '../kernel/errors.js';
import { formatIssues } from '../config/format-issues.js';
import { closest } from '../text/closest.js';
import type { Rule, RuleLevel } from './types.js';

export interface ResolvedRule {
  rule: Rule;
  level: RuleLevel;
  params: Record<string, unknown>;
}

/** The part of `review:` that chooses rules and their levels. */
type ReviewConfig = Pick<DbopsConfig['review'], 'rules' | 'profiles'>;

/**
 * The rules as configured for one environment: defaults (the prod profile), then `review.rules`,
 * then `review.profiles.<env>`. Throws ConfigError naming every bad key by its YAML path.
 */
export function resolveRules(rules: readonly Rule[], review: ReviewConfig, env?: Environment): ResolvedRule[] {
  const problems: string[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const layers: Array<[string, Record<string, RuleSetting>]> = [['review.rules', review.rules]];
  if (env && review.profiles[env]) layers.push([`review.profiles.${env}`, review.profiles[env] ?? {}]);
  for (const [path, layer] of layers) {
    for (const id of Object.keys(layer)) {
      if (byId.has(id)) continue;
      const hint = closest(id, [...byId.keys()]);
      problems.push(`${path}.${id}: unknown rule${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  const resolved = rules.map((rule) => resolveOne(rule, layers, problems));
  if (problems.length > 0) throw new ConfigError(problems, 'dbops.yml');
  return resolved;
}

function resolveOne(
  rule: Rule,
  layers: Array<[string, Record<string, RuleSetting>]>,
  problems: string[],
): ResolvedRule {
  let level: RuleLevel = rule.severity;
  let rawParams: Record<string, unknown> = {};
  let lastPath = '';
  for (const [path, layer] of layers) {
    const setting = layer[rule.id];
    if (setting === undefined) continue;
    lastPath = `${path}.${rule.id}`;
    if (typeof setting === 'string') {
      level = setting;
      continue;
    }
    const { level: settingLevel, ...params } = setting;
    if (settingLevel) level = settingLevel;
    rawParams = { ...rawParams, ...params };
  }
  const schema = rule.params ?? z.strictObject({});
  const parsed = schema.safeParse(rawParams);
  if (!parsed.success) {
    for (const line of formatIssues(parsed.error.issues, rawParams)) problems.push(`${lastPath}.${line}`);
    return { rule, level, params: {} };
  }
  return { rule, level, params: parsed.data as Record<string, unknown> };
}

/** Rules as shipped, for a review with no config (the CLI without --config, tests). */
export function defaultRules(rules: readonly Rule[]): ResolvedRule[] {
  return resolveRules(rules, { rules: {}, profiles: {} });
}
