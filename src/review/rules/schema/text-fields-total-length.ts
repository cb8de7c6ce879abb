import { z } from 'zod';
import type { CatalogColumn } from '../../catalog/catalog.js';
import { tableAfter } from '../../catalog/apply-ddl.js';
import { defineRule } from '../../define-rule.js';

const CHAR_LENGTH = /^(?:var)?char\((\d+)\)/i;

export const textFieldsTotalLength = defineRule({
  id: 'table.text-fields-total-length',
  severity: 'warning',
  needs: 'catalog',
  summary: 'the declared CHAR/VARCHAR lengths of a table must not add up to more than N',
  why:
    'A row of InnoDB may hold at most 65,535 bytes of CHAR/VARCHAR columns (up to 4 bytes ' +
    'per character in utf8mb4). Tables near that limit refuse new columns and rows, and ' +
    'very wide rows make every read and index slower.',
  fix:
    'Declare lengths you really need, move long free text to TEXT columns (stored off the ' +
    'row), or split rarely used columns into a side table.',
  params: z.strictObject({ max: z.number().int().min(1).default(65535) }),
  check({ stmt, params, catalog, schema }) {
    if ((stmt.kind !== 'create-table' && stmt.kind !== 'alter-table') || !catalog) return [];
    const change = tableAfter(catalog, stmt, schema);
    if (!change || change.after.partial) return [];
    // An ALTER is judged only when it adds or redefines columns.
    if (change.before && !change.ddl?.columns.length) return [];
    const total = totalLength(change.after.columns);
    if (total <= params.max || (change.before && total <= totalLength(change.before.columns))) return [];
    return [
      {
        message: `The CHAR/VARCHAR columns of \`${change.after.name}\` declare ${total.toLocaleString('en-US')} characters in all, above the limit of ${params.max.toLocaleString('en-US')}.`,
        fragment: stmt.stripped,
      },
    ];
  },
});

function totalLength(columns: readonly CatalogColumn[]): number {
  let total = 0;
  for (const column of columns) {
    const match = CHAR_LENGTH.exec(column.columnType);
    if (match) total += Number(match[1]);
  }
  return total;
}
