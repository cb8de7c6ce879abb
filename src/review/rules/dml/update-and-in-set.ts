import { defineRule } from '../../define-rule.js';
import { andInSet, locate, tokenParts, tokenText } from '../../ast-dml.js';

export const updateAndInSet = defineRule({
  id: 'statement.update.and-in-set',
  severity: 'error',
  needs: 'text',
  summary: 'UPDATE … SET a = 1 AND b = 2 sets a to a true/false value',
  why:
    'Assignments in SET are separated by commas. With AND, MySQL reads `SET a = 1 AND b = ' +
    '2` as `SET a = (1 AND (b = 2))`: column a becomes 0 or 1 on every matched row and b ' +
    'is not changed at all. The statement runs without any error.',
  fix: 'Separate the assignments with commas: `SET a = 1, b = 2`.',
  check({ stmt }) {
    return andInSet(stmt).map(({ assignment, column, target }) => {
      const shown = tokenText(assignment);
      const rest = tokenText(assignment.slice(assignment.findIndex((t) => t.text === '=') + 1));
      return {
        message: `\`SET ${shown}\` sets \`${column}\` to the true/false value of \`${rest}\` and does not change \`${target}\`.`,
        fragment: `SET ${shown}`,
        ...locate(stmt, tokenParts(assignment)),
      };
    });
  },
});
