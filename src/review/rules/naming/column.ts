import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { introducedIdentifiers } from './_identifiers.js';
import { patternParam, regex } from './_pattern.js';

export const namingColumn = defineRule({
  id: 'naming.column',
  severity: 'warning',
  needs: 'text',
  summary: 'column names follow the naming convention',
  why: 'Consistent column names (lower case, underscores) save every query writer from guessing spellings and quoting, and map cleanly to code in every language and ORM.',
  fix: 'Name the column to match the convention, e.g. `created_at` rather than `CreatedAt` or `created-at`.',
  params: z.strictObject({
    pattern: patternParam('^[a-z][a-z0-9_]*$'),
    max_length: z.number().int().positive().default(64),
  }),
  check({ stmt, params }) {
    const re = regex(params.pattern);
    return introducedIdentifiers(stmt)
      .filter((id) => id.kind === 'column')
      .flatMap(({ name }) => {
        if (!re.test(name)) return [{ message: `Column name \`${name}\` does not match ${params.pattern}.`, fragment: name }];
        if (name.length > params.max_length) return [{ message: `Column name \`${name}\` is ${name.length} characters long; the limit is ${params.max_length}.`, fragment: name }];
        return [];
      });
  },
});
