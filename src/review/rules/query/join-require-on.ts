import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { exprParts, fromItems, isConstant, itemName, locate, queryBlocks, showParts } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const joinRequireOn = defineRule({
  id: 'statement.join.require-on',
  severity: 'warning',
  needs: 'text',
  summary: 'every JOIN needs an ON or USING condition',
  why:
    'A join without a condition pairs every row of one table with every row of the other ' +
    '(a cartesian product): 10,000 × 10,000 rows is 100 million, which can exhaust the ' +
    'server, and in an UPDATE or DELETE it touches rows you did not mean.',
  fix:
    'Say how the rows match: `JOIN u ON u.t_id = t.id` (or `USING (col)`). Write CROSS ' +
    'JOIN if you really want every combination.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const block of queryBlocks(stmt.ast)) {
      const items = fromItems(block);
      for (const item of items) {
        if (typeof item.join !== 'string' || /CROSS/i.test(item.join)) continue;
        const { shown, parts } = itemName(item);
        const head = ['JOIN', ...parts];
        if (isObject(item.on) && isConstant(item.on)) {
          const on = showParts(exprParts(item.on));
          findings.push({
            message: `\`${item.join} ${shown} ON ${on}\` has a constant condition, so every row is joined with every row.`,
            fragment: `${item.join} ${shown} ON ${on}`,
            ...locate(stmt, head),
          });
        } else if (!item.on && !item.using) {
          findings.push({
            message: `\`${item.join} ${shown}\` has no ON or USING, so every row is joined with every row.`,
            fragment: `${item.join} ${shown}`,
            ...locate(stmt, head),
          });
        }
      }
      const commaJoined = items.filter((item) => typeof item.join !== 'string' && item.type !== 'dual');
      if (commaJoined.length > 1 && !block.where) {
        const names = commaJoined.map((item) => itemName(item).shown).join(', ');
        findings.push({
          message: `\`${names}\` are listed with commas and no WHERE joins them, so every row is paired with every row.`,
          fragment: names,
          ...locate(stmt, itemName(commaJoined[0]).parts),
        });
      }
    }
    return findings;
  },
});
