import { classify } from '../review/classify.js';
import { shardNames, shardSets, type ShardConfig, type ShardName } from '../review/shards.js';
import { splitStatements } from '../review/split.js';
import { stripComments } from '../review/strip.js';

/** Statements that only set up the session: a sharded ticket may run them on every shard. */
const SESSION_ONLY: ReadonlySet<string> = new Set(['set', 'use']);

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
  const statements = splitStatements(sql).map((split, i) => ({
    number: i + 1,
    text: split.text,
    names: shardNames(split.text, sets),
  }));
  const sharded = statements.filter((s) => s.names.length > 0);
  if (sharded.length === 0) return { sharded: false };
  const first = sharded[0].names[0];
  const mismatch = sharded
    .flatMap((s) => s.names.map((n) => ({ s, n })))
    .find(({ n }) => n.tables.length !== first.tables.length);
  if (mismatch)
    return {
      refusal: `statement ${mismatch.s.number} names ${code(mismatch.n.pattern)} (${mismatch.n.tables.length} shards) next to ${code(first.pattern)} (${first.tables.length} shards): sharded tables pair up shard by shard, so they must have as many shards. Nothing was run`,
    };
  const plain = statements.find((s) => s.names.length === 0 && !SESSION_ONLY.has(classify(stripComments(s.text))));
  if (plain)
    return {
      refusal: `statement ${plain.number} names no sharded table, so it would run once on each of the ${first.tables.length} shards of ${code(first.pattern)}; open a separate ticket for it. Nothing was run`,
    };
  const twice = first.tables.find((t, i) => first.tables.indexOf(t) !== i);
  if (twice)
    return {
      refusal: `the shards of ${code(first.pattern)} list ${code(twice)} twice; fix review.shards in dbops.yml. Nothing was run`,
    };
  const patterns = [...new Set(sharded.flatMap((s) => s.names.map((n: ShardName) => n.pattern)))];
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
