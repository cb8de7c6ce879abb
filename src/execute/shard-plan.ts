import { classify } from '../review/classify.js';
import { shardBatchProblem, shardNames, shardSets, type ShardConfig } from '../review/shards.js';
import { splitStatements } from '../review/split.js';
import { stripComments } from '../review/strip.js';

/** How a ticket's SQL runs: once, or once per shard of the sharded tables it names. */
export type ShardPlan =
  | { sharded: false }
  | {
      sharded: true;
      /** The physical tables of the first sharded name, in shard order: shard i is `tables[i]`. */
      tables: string[];
      /** The sharded names as written (`orders_{0..511}`, `users`), for messages. */
      patterns: string[];
      /** Statements run on each shard. */
      statements: number;
    }
  | { refusal: string };

/**
 * Plan a ticket's SQL over its shards. Every sharded name (a pattern such as `orders_{0..511}`, or a
 * logical name from `review.shards`) must stand for the same number of shards, which pair up by
 * position; a statement that names no sharded table would run once per shard, so only SET and USE
 * may sit next to sharded statements. What cannot be planned is refused before anything runs.
 */
export function planShards(sql: string, config: ShardConfig): ShardPlan {
  const sets = shardSets(config);
  const statements = splitStatements(sql).map((split, i) => {
    const names = shardNames(split.text, sets);
    return {
      number: i + 1,
      kind: classify(stripComments(split.text)),
      names: names.map((n) => ({ pattern: n.pattern, count: n.tables.length })),
      found: names,
    };
  });
  const first = statements.find((s) => s.found.length > 0)?.found[0];
  if (!first) return { sharded: false };
  const problem = shardBatchProblem(statements);
  if (problem) return { refusal: `${problem.message}. Nothing was run` };
  const twice = first.tables.find((t, i) => first.tables.indexOf(t) !== i);
  if (twice)
    return {
      refusal: `the shards of ${code(first.pattern)} list ${code(twice)} twice; fix review.shards in dbops.yml. Nothing was run`,
    };
  const patterns = [...new Set(statements.flatMap((s) => s.found.map((n) => n.pattern)))];
  return { sharded: true, tables: first.tables, patterns, statements: statements.length };
}

/**
 * The number a statement of shard `shard` is logged under in the execution log (and names its backup
 * table by): shard-major, so every shard's statements have their own rows and a rollback undoes them
 * all, last shard first. Unsharded statements keep their own number.
 */
export function logNumber(statement: number, shard: number | undefined, perShard: number): number {
  return shard === undefined ? statement : shard * perShard + statement;
}

/**
 * Shards `from` … `to` (inclusive) of a plan, short: `orders_0`, `orders_0, orders_1`,
 * `orders_0 … orders_36 (37)`; empty when the range is.
 */
export function shardRange(tables: readonly string[], from: number, to: number): string {
  if (to < from) return '';
  if (to === from) return tables[from];
  if (to === from + 1) return `${tables[from]}, ${tables[to]}`;
  return `${tables[from]} … ${tables[to]} (${to - from + 1})`;
}

function code(name: string): string {
  return `\`${name}\``;
}
