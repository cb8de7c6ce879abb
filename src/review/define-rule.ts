import type { z } from 'zod';
import type { Rule, RuleContext, FindingDraft } from './types.js';

type RuleSpec<P extends z.ZodType> = Omit<Rule<P>, 'check' | 'params'> & {
  params?: P;
  check(ctx: RuleContext<z.infer<P>>): FindingDraft[] | Promise<FindingDraft[]>;
};

/** Declare a rule; the params schema (when given) types `ctx.params` inside `check`. */
export function defineRule<P extends z.ZodType = z.ZodObject<Record<string, never>>>(spec: RuleSpec<P>): Rule {
  return spec as unknown as Rule;
}
