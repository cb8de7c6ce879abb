import { isObject } from '../../ast.js';
import { defineRule } from '../../define-rule.js';
import {
  type AstNode,
  dmlVerbIndex,
  findTopWord,
  limitClauses,
  locate,
  statementTokens,
  tokenParts,
  tokenText,
  word,
} from '../../ast-dml.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';

const LIMIT = new Set(['LIMIT']);
const AFTER_LIMIT = new Set(['RETURNING']);

export const disallowLimit = defineRule({
  id: 'statement.disallow-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'UPDATE, DELETE and INSERT … SELECT should not use LIMIT',
  why:
    'LIMIT picks an arbitrary subset of the matching rows: which rows change depends on ' +
    'the execution plan, so the change cannot be reviewed or backed up exactly, ' +
    're-running it changes other rows, and with statement-based replication a replica may ' +
    'change different rows than the primary.',
  fix:
    'Select exactly the rows to change in the WHERE clause, e.g. by primary-key range ' +
    '(`WHERE id BETWEEN 1 AND 10000`). To work through a large table in batches, run one ' +
    'statement per key range.',
  check({ stmt }) {
    if (stmt.kind === 'insert' || stmt.kind === 'replace') return insertSelectLimit(stmt);
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    if (!/\bLIMIT\b/i.test(stmt.stripped)) return [];
    const list = statementTokens(stmt);
    const verb = dmlVerbIndex(list);
    const at = verb < 0 ? -1 : findTopWord(list, LIMIT, verb + 1);
    if (at < 0) return [];
    const end = findTopWord(list, AFTER_LIMIT, at + 1);
    const clause = list.slice(at, end < 0 ? list.length : end);
    const shown = tokenText(clause);
    return [
      {
        message: `${stmt.kind.toUpperCase()} with \`${shown}\` changes an arbitrary ${tokenText(clause.slice(1, 2))} of the matching rows.`,
        fragment: shown,
        ...locate(stmt, tokenParts(clause.slice(0, 2)), 'last'),
      },
    ];
  },
});

/**
 * INSERT/REPLACE … SELECT … LIMIT n: the copied rows are an arbitrary n of those selected. Every
 * branch of a UNION counts, parenthesised or not; a LIMIT inside a subquery of a condition does not.
 */
function insertSelectLimit(stmt: ReviewStatement): FindingDraft[] {
  if (!/\bLIMIT\b/i.test(stmt.stripped)) return [];
  const verb = stmt.kind === 'insert' ? 'INSERT' : 'REPLACE';
  const source = isObject(stmt.ast) ? stmt.ast.values : undefined;
  if (isObject(source) && source.type === 'select') {
    const findings: FindingDraft[] = [];
    for (let block: AstNode | undefined = source; block; block = isObject(block._next) ? block._next : undefined) {
      for (const { limit } of limitClauses(block)) {
        findings.push(limitFinding(stmt, verb, limit.text, limit.head));
      }
    }
    return findings;
  }
  if (stmt.ast) return [];
  // Not parsed: a LIMIT of the SELECT itself, at the top level or inside the parentheses around it.
  const list = statementTokens(stmt);
  const select = list.findIndex((t) => word(t) === 'SELECT');
  if (select < 0) return [];
  const at = list.findIndex((t, i) => i > select && word(t) === 'LIMIT' && t.depth <= list[select].depth);
  if (at < 0) return [];
  const count = tokenText(list.slice(at + 1, at + 2));
  return [limitFinding(stmt, verb, count, tokenParts(list.slice(at, at + 2)))];
}

function limitFinding(stmt: ReviewStatement, verb: string, limit: string, head: string[]): FindingDraft {
  return {
    message: `${verb} … SELECT with \`LIMIT ${limit}\` writes only part of the selected rows, and which part is up to the execution plan.`,
    fragment: `LIMIT ${limit}`,
    ...locate(stmt, head),
  };
}
