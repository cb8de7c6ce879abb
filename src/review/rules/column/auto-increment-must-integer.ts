import { defineRule } from '../../define-rule.js';
import { columnFragment, isIntegerType, tableDdl } from '../../ast-ddl.js';

export const columnAutoIncrementMustInteger = defineRule({
  id: 'column.auto-increment-must-integer',
  severity: 'error',
  needs: 'text',
  summary: 'AUTO_INCREMENT only on integer columns',
  why:
    'AUTO_INCREMENT on FLOAT, DOUBLE or DECIMAL is deprecated (removed in MySQL 8.4), and ' +
    'floating-point counters lose exactness once they grow: ids collide or skip.',
  fix: 'Make the column BIGINT UNSIGNED (or INT UNSIGNED for small tables).',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.autoIncrement && !isIntegerType(col.dataType))
      .map((col) => ({
        message: `AUTO_INCREMENT column \`${col.name}\` is ${col.dataType.toUpperCase()}, not an integer type.`,
        fragment: columnFragment(col),
      }));
  },
});
