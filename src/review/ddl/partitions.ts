import { isPunct, statementTokens, word } from '../ast-dml.js';
import type { Token } from '../strip.js';
import type { ReviewStatement } from '../types.js';

/** An ALTER TABLE clause that deletes the rows of some partitions: TRUNCATE PARTITION or DROP PARTITION. */
export interface PartitionWipe {
  verb: 'TRUNCATE' | 'DROP';
  /** The partitions named, or ['ALL'] for TRUNCATE PARTITION ALL. */
  partitions: string[];
  /** The clause as SQL text, e.g. `TRUNCATE PARTITION p0, p1`. */
  text: string;
}

/**
 * The TRUNCATE PARTITION and DROP PARTITION clauses of an ALTER TABLE, wherever they stand among
 * its other clauses. Read from the tokens: node-sql-parser does not keep them.
 */
export function partitionWipes(stmt: ReviewStatement): PartitionWipe[] {
  if (stmt.kind !== 'alter-table' || !/\bPARTITION\b/i.test(stmt.stripped)) return [];
  const list = statementTokens(stmt);
  const wipes: PartitionWipe[] = [];
  for (let i = 0; i + 1 < list.length; i++) {
    const verb = word(list[i]);
    if (list[i].depth !== 0 || (verb !== 'TRUNCATE' && verb !== 'DROP') || word(list[i + 1]) !== 'PARTITION') continue;
    const partitions: string[] = [];
    let k = i + 2;
    while (k < list.length && (list[k].type === 'word' || list[k].text.startsWith('`'))) {
      partitions.push(list[k].text.replace(/^`|`$/g, ''));
      // A comma continues the list only when a partition name follows, not another clause.
      if (!isPunct(list[k + 1], ',') || !isPartitionName(list[k + 2])) break;
      k += 2;
    }
    if (partitions.length === 0) continue;
    wipes.push({ verb, partitions, text: `${verb} PARTITION ${partitions.join(', ')}` });
    i = k;
  }
  return wipes;
}

const CLAUSE_WORDS = new Set(['ADD', 'DROP', 'MODIFY', 'CHANGE', 'ALTER', 'RENAME', 'ALGORITHM', 'LOCK', 'TRUNCATE']);

function isPartitionName(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.text.startsWith('`')) return true;
  return token.type === 'word' && !CLAUSE_WORDS.has(word(token));
}
