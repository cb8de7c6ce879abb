import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { positionAt, selectBlocks } from '../../ast-dml.js';

const BARE_UNION = /\bUNION\b(?!\s+(?:ALL|DISTINCT)\b)/i;

export const unionPreferUnionAll = defineRule({
  id: 'statement.union.prefer-union-all',
  severity: 'notice',
  needs: 'text',
  summary: 'prefer UNION ALL when duplicates are impossible or harmless',
  why:
    'UNION removes duplicate rows, which means collecting the whole result in a temporary ' +
    'table and comparing every row; UNION ALL just appends the results.',
  fix:
    'Write UNION ALL when the parts cannot overlap or duplicates do not matter; keep ' +
    'UNION (or write UNION DISTINCT to show it is deliberate) when they must be removed.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const unions = selectBlocks(stmt.ast).filter(
      (b) => typeof b.set_op === 'string' && b.set_op.toLowerCase() === 'union',
    ).length;
    if (unions === 0) return [];
    const at = BARE_UNION.exec(stmt.text);
    const count = unions === 1 ? 'This UNION removes' : `These ${unions} UNIONs remove`;
    return [
      {
        message: `${count} duplicate rows by sorting or hashing the whole result; UNION ALL would not.`,
        fragment: 'UNION',
        ...(at ? positionAt(stmt, at.index) : {}),
      },
    ];
  },
});
