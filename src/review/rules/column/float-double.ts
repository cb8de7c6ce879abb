import { defineRule } from '../../define-rule.js';
import { columnFragment, FLOAT_TYPES, tableDdl } from '../../ast-ddl.js';

/** Column names that usually hold money or other exact quantities. */
const MONEY =
  /(price|amount|amt|cost|balance|money|fee|total|salary|wage|pay|tax|discount|credit|debit|refund|revenue|budget)/i;

export const columnFloatDouble = defineRule({
  id: 'column.float-double',
  severity: 'notice',
  needs: 'text',
  summary: 'FLOAT/DOUBLE are approximate: use DECIMAL for money',
  why:
    'FLOAT and DOUBLE store binary approximations: 0.1 + 0.2 is not 0.3, sums drift, and ' +
    'equality tests fail. Money and other exact quantities must be stored exactly.',
  fix:
    'Use DECIMAL(p,s), e.g. DECIMAL(12,2) for amounts, or an integer count of the ' +
    'smallest unit (cents). FLOAT/DOUBLE are fine for measurements such as coordinates.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => FLOAT_TYPES.has(col.dataType))
      .map((col) => ({
        message: MONEY.test(col.name)
          ? `Column \`${col.name}\` looks like money but is ${col.dataType.toUpperCase()}, an approximate type.`
          : `Column \`${col.name}\` is ${col.dataType.toUpperCase()}, an approximate type; use DECIMAL if it holds exact amounts.`,
        fragment: columnFragment(col),
      }));
  },
});
