import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { fromItems, itemName, queryBlocks } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const joinMaxTables = defineRule({
  id: 'statement.join.max-tables',
  severity: 'warning',
  needs: 'text',
  summary: 'a query should not join more than N tables',
  why:
    'The optimiser tries many join orders and its estimates get worse with each table: ' +
    'big joins get slow and unpredictable plans, and are hard to read and to index for.',
  fix:
    'Split the query into smaller ones, denormalise what is always read together, or ' +
    'check with EXPLAIN and a DBA that each join uses an index.',
  params: z.strictObject({ max: z.number().int().positive().default(5) }),
  check({ stmt, params }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const block of queryBlocks(stmt.ast)) {
      const items = fromItems(block).filter((item) => item.type !== 'dual');
      if (items.length <= params.max) continue;
      const names = items.map((item) => `\`${itemName(item).shown}\``).join(', ');
      findings.push({
        message: `This ${String(block.type).toUpperCase()} joins ${items.length} tables (more than ${params.max}): ${names}.`,
        fragment: stmt.stripped,
      });
    }
    return findings;
  },
});
