import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';
import { defaultProblem } from './_default-problem.js';

export const columnInvalidOrZeroDefault = defineRule({
  id: 'column.invalid-or-zero-default',
  severity: 'error',
  needs: 'text',
  summary: 'DEFAULT must be valid for the column type, and no zero dates',
  why:
    'A default the type cannot hold makes the statement fail in strict mode ("Invalid ' +
    'default value"), or stores something else than written. Zero dates (0000-00-00) are ' +
    'rejected under NO_ZERO_DATE, break most drivers and ORMs, and sort before every real ' +
    'date.',
  fix:
    'Use a default the type can hold (a date that exists, a number in range, a string no ' +
    'longer than the column, one of the ENUM values). For "no date" make the column NULL ' +
    'DEFAULT NULL.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns.flatMap((col) => {
      const problem = defaultProblem(col);
      return problem ? [{ message: `Column \`${col.name}\`: ${problem}.`, fragment: columnFragment(col) }] : [];
    });
  },
});
