import { defineRule } from '../../define-rule.js';
import type { ReviewStatement, StatementKind } from '../../types.js';

const DDL: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'alter-table',
  'drop-table',
  'rename-table',
  'truncate',
  'create-index',
  'drop-index',
  'create-database',
  'drop-database',
  'create-view',
  'drop-view',
  'create-trigger',
  'create-procedure',
  'create-function',
  'create-event',
  'drop-other',
]);
const DML: ReadonlySet<StatementKind> = new Set(['insert', 'replace', 'update', 'delete', 'load-data']);

export const disallowMixDdlDml = defineRule({
  id: 'statement.disallow-mix-ddl-dml',
  severity: 'warning',
  needs: 'text',
  summary: 'schema changes (DDL) and data changes (DML) belong in separate tickets',
  why:
    'DDL commits implicitly and cannot be rolled back, while DML is backed up and can be; ' +
    'mixed together, a failure half-way leaves a state that is neither before nor after. ' +
    'They are also run differently: large ALTERs go through an online schema-change tool, ' +
    'data changes in batches with backups.',
  fix: 'Submit the schema change in one ticket and the data change in another, and run them in the order they need.',
  scope: 'batch',
  check({ batch }) {
    const ddl = batch.find((s) => DDL.has(s.kind));
    const dml = batch.find((s) => DML.has(s.kind));
    if (!ddl || !dml) return [];
    const later = ddl.index > dml.index ? ddl : dml;
    return [
      {
        message: `This ticket mixes a schema change (statement ${ddl.index + 1}: ${describe(ddl)}) with a data change (statement ${dml.index + 1}: ${describe(dml)}).`,
        line: later.line,
        column: later.column,
      },
    ];
  },
});

function describe(stmt: ReviewStatement): string {
  const text = stmt.stripped.length > 40 ? `${stmt.stripped.slice(0, 40)}…` : stmt.stripped;
  return `\`${text}\``;
}
