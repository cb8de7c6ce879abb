import { defineRule } from '../../define-rule.js';
import { shardBatchProblem } from '../../shards.js';

export const shardedBatch = defineRule({
  id: 'statement.sharded-batch',
  severity: 'error',
  needs: 'text',
  summary: 'a change on sharded tables names only sharded tables, all with as many shards',
  why:
    'dbops runs a change on sharded tables once per shard, statement by statement, pairing the ' +
    'shards of every sharded table by position. A statement on an ordinary table would run once ' +
    'per shard (an UPDATE of a counter 512 times), and tables with different shard counts cannot ' +
    'be paired, so the run refuses such a change before anything runs.',
  fix:
    'Put the statements on ordinary tables in a ticket of their own (SET and USE may stay), and ' +
    'change sharded tables with different shard counts in separate tickets.',
  scope: 'batch',
  check({ batch }) {
    const problem = shardBatchProblem(
      batch.map((s) => ({
        number: s.index + 1,
        kind: s.kind,
        names: s.shards ? [{ pattern: s.shards.pattern, count: s.shards.count }] : [],
      })),
    );
    const stmt = problem ? batch[problem.statement - 1] : undefined;
    if (!problem || !stmt) return [];
    return [
      {
        message: `${problem.message[0].toUpperCase()}${problem.message.slice(1)}.`,
        line: stmt.line,
        column: stmt.column,
      },
    ];
  },
});
