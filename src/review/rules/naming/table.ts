import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { introducedIdentifiers } from './_identifiers.js';
import { patternParam, regex } from './_pattern.js';

export const namingTable = defineRule({
  id: 'naming.table',
  severity: 'warning',
  needs: 'text',
  summary: 'table names follow the naming convention',
  why: 'Consistent table names (lower case, underscores) keep queries portable between servers where table names are case-sensitive (Linux) and ones where they are not, and make tables easy to find.',
  fix: 'Rename the table to match the convention, e.g. `order_items` rather than `OrderItems`.',
  params: z.strictObject({
    pattern: patternParam('^[a-z][a-z0-9_]*$'),
    max_length: z.number().int().positive().default(64),
  }),
  check({ stmt, params }) {
    const re = regex(params.pattern);
    return introducedIdentifiers(stmt)
      .filter((id) => id.kind === 'table')
      .flatMap(({ name }) => {
        if (!re.test(name)) return [{ message: `Table name \`${name}\` does not match ${params.pattern}.`, fragment: name }];
        if (name.length > params.max_length) return [{ message: `Table name \`${name}\` is ${name.length} characters long; the limit is ${params.max_length}.`, fragment: name }];
        return [];
      });
  },
});
