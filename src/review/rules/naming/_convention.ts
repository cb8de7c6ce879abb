import { z } from 'zod';
import type { FindingDraft, ReviewStatement } from '../../types.js';
import { introducedIdentifiers } from './_identifiers.js';
import { patternParam, regex } from './_pattern.js';

/** Parameters of a naming convention: a pattern and a maximum length. */
export const conventionParams = z.strictObject({
  pattern: patternParam('^[a-z][a-z0-9_]*$'),
  max_length: z.number().int().positive().default(64),
});
export type ConventionParams = z.infer<typeof conventionParams>;

/** Findings for the tables or columns a statement introduces whose names break the convention. */
export function conventionFindings(
  stmt: ReviewStatement,
  kind: 'table' | 'column',
  params: ConventionParams,
): FindingDraft[] {
  const re = regex(params.pattern);
  const label = kind === 'table' ? 'Table' : 'Column';
  return introducedIdentifiers(stmt)
    .filter((id) => id.kind === kind)
    .flatMap(({ name }) => {
      if (!re.test(name))
        return [{ message: `${label} name \`${name}\` does not match ${params.pattern}.`, fragment: name }];
      if (name.length > params.max_length)
        return [
          {
            message: `${label} name \`${name}\` is ${name.length} characters long; the limit is ${params.max_length}.`,
            fragment: name,
          },
        ];
      return [];
    });
}
