import { z } from 'zod';
import { tableDdl, type AlterAction } from '../../ast-ddl.js';
import { lookupTable } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import { formatIecBytes } from '../../../kernel/format.js';

/** ALTER clauses that change only metadata (no table copy or rebuild) on InnoDB. */
const METADATA_ONLY: ReadonlySet<AlterAction['type']> = new Set([
  'rename-table',
  'rename-column',
  'rename-index',
  'alter-column-default',
  'drop-index',
  'drop-foreign-key',
  'algorithm',
  'lock',
]);

const GIB = 1024 ** 3;

export const onlineMigration = defineRule({
  id: 'advice.online-migration',
  severity: 'warning',
  needs: 'server',
  summary: 'an ALTER on a large table should run with gh-ost or pt-online-schema-change',
  why:
    'A plain ALTER on a large table copies or rebuilds it: for minutes or hours it takes ' +
    'disk space and I/O, may block writes, and replicas fall behind while they replay it.',
  fix:
    'Ask for the change to run with an online schema-change tool (gh-ost or ' +
    'pt-online-schema-change), or use ALGORITHM=INSTANT where the server supports it for ' +
    'this change.',
  params: z.strictObject({ min_bytes: z.number().int().min(0).default(GIB) }),
  check({ stmt, params, catalog, schema }) {
    if ((stmt.kind !== 'alter-table' && stmt.kind !== 'create-index') || !catalog) return [];
    const ddl = tableDdl(stmt);
    if (!ddl?.table || ddl.algorithm?.toUpperCase() === 'INSTANT') return [];
    if (ddl.actions.length > 0 && ddl.actions.every((a) => METADATA_ONLY.has(a.type) || onlyComment(a))) return [];
    const table = lookupTable(catalog, ddl.table, schema);
    const bytes = (table?.dataBytes ?? 0) + (table?.indexBytes ?? 0);
    if (!table || bytes < params.min_bytes) return [];
    return [
      {
        message: `\`${table.name}\` holds about ${formatIecBytes(bytes)} of data and indexes (at least ${formatIecBytes(params.min_bytes)} calls for an online schema change).`,
        fragment: stmt.stripped,
      },
    ];
  },
});

function onlyComment(action: AlterAction): boolean {
  return (
    action.type === 'table-options' &&
    Object.entries(action.options).every(([key, value]) => key === 'comment' || value === undefined || value === null)
  );
}
