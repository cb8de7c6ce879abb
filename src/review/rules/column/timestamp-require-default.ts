import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';

export const columnTimestampRequireDefault = defineRule({
  id: 'column.timestamp-require-default',
  severity: 'warning',
  needs: 'text',
  summary: 'TIMESTAMP columns need a DEFAULT',
  why:
    'A TIMESTAMP without DEFAULT behaves differently from server to server: with ' +
    'explicit_defaults_for_timestamp off, the first one silently gets DEFAULT ' +
    'CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP and the others a zero date, so rows ' +
    'change time when you did not mean them to.',
  fix:
    'Say what you mean: `DEFAULT CURRENT_TIMESTAMP`, `DEFAULT CURRENT_TIMESTAMP ON UPDATE ' +
    'CURRENT_TIMESTAMP`, or `NULL DEFAULT NULL`.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.dataType === 'timestamp' && col.default === null && !col.generated)
      .map((col) => ({ message: `TIMESTAMP column \`${col.name}\` has no DEFAULT.`, fragment: columnFragment(col) }));
  },
});
