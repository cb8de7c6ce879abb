import { tableDdl, type IndexDef, type TableDdl } from '../../ast-ddl.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';
import { regex } from './_pattern.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Check the names of a statement's keys of the given kinds against a pattern, where
 * `{{table}}` stands for the table name and `{{column_list}}` for the key's columns joined by `_`.
 */
export function checkIndexNames(
  stmt: ReviewStatement,
  kinds: ReadonlySet<IndexDef['kind']>,
  pattern: string,
  what: string,
): FindingDraft[] {
  const ddl = tableDdl(stmt);
  if (!ddl) return [];
  return ddl.indexes.flatMap((index) => {
    if (!kinds.has(index.kind) || !index.name) return [];
    const expected = expand(pattern, ddl, index);
    if (regex(expected).test(index.name)) return [];
    return [{ message: `${what} \`${index.name}\` does not match ${expected}.`, fragment: index.name }];
  });
}

function expand(pattern: string, ddl: TableDdl, index: IndexDef): string {
  return pattern
    .replaceAll('{{table}}', escapeRegExp(ddl.table?.table ?? ''))
    .replaceAll('{{column_list}}', escapeRegExp(index.columns.map((c) => c.name).join('_')));
}
