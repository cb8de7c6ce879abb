import { z } from 'zod';
import { defineRule } from '../../define-rule.js';

export const maxStatements = defineRule({
  id: 'statement.max-statements',
  severity: 'warning',
  needs: 'text',
  summary: 'a ticket should not hold more than N statements',
  why:
    'A very long change is hard to review, runs for a long time, and if statement 250 of ' +
    '300 fails the earlier ones are already applied: finding where it stopped and what to ' +
    'undo is slow and error-prone.',
  fix:
    'Split the work into several smaller tickets, each one a unit that can be checked and ' +
    'rolled back on its own; for bulk data, ask a DBA about a load job instead of ' +
    'thousands of statements.',
  scope: 'batch',
  params: z.strictObject({ max: z.number().int().positive().default(100) }),
  check({ batch, params }) {
    if (batch.length <= params.max) return [];
    const first = batch[params.max];
    return [
      {
        message: `This ticket has ${batch.length} statements (more than ${params.max}); statement ${params.max + 1} is the first over the limit.`,
        line: first.line,
        column: first.column,
      },
    ];
  },
});
