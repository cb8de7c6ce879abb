import { defineRule } from '../../define-rule.js';
import { tableBefore } from '../../catalog/batch-state.js';
import {
  columnFragment,
  droppedDatabase,
  droppedTables,
  formatColumnType,
  parseColumnType,
  qualified,
  renamedTables,
  tableDdl,
  tableLabel,
  type ColumnDef,
} from '../../ast-ddl.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';
import { own } from '../../../own.js';

const INT_RANK: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 5 };
const LOB_RANK: Readonly<Record<string, number>> = {
  tinytext: 1,
  text: 2,
  mediumtext: 3,
  longtext: 4,
  tinyblob: 1,
  blob: 2,
  mediumblob: 3,
  longblob: 4,
};
const SIZED: ReadonlySet<string> = new Set(['char', 'varchar', 'binary', 'varbinary']);
const FSP: ReadonlySet<string> = new Set(['time', 'datetime', 'timestamp']);

/** Why changing `before` to `after` can reject or alter values old code writes; null when it does not narrow. */
function narrowing(before: ColumnDef, after: ColumnDef): string | null {
  const a = before.dataType;
  const b = after.dataType;
  const [intA, intB] = [own(INT_RANK, a), own(INT_RANK, b)];
  const [lobA, lobB] = [own(LOB_RANK, a), own(LOB_RANK, b)];
  if (intA && intB) {
    if (intB < intA) return 'a smaller integer type';
    if (before.unsigned !== after.unsigned)
      return after.unsigned
        ? 'UNSIGNED (negative values no longer fit)'
        : 'SIGNED (the upper half of the range no longer fits)';
    return null;
  }
  if (SIZED.has(a) && SIZED.has(b)) return (after.length ?? 1) < (before.length ?? 1) ? 'a shorter length' : null;
  if (lobA && lobB) return lobB < lobA ? 'a smaller text/blob type' : null;
  if (lobA && SIZED.has(b)) return 'a sized string type';
  if (a === 'decimal' && b === 'decimal') {
    const digits = (c: ColumnDef): number => (c.length ?? 10) - (c.scale ?? 0);
    if (digits(after) < digits(before)) return 'fewer integer digits';
    if ((after.scale ?? 0) < (before.scale ?? 0)) return 'fewer decimal places';
    return null;
  }
  if (a === 'double' && b === 'float') return 'single precision';
  if ((a === 'decimal' || a === 'float' || a === 'double') && intB) return 'an integer type (fractions are lost)';
  if (FSP.has(a) && a === b)
    return (after.length ?? 0) < (before.length ?? 0) ? 'fewer fractional-second digits' : null;
  if ((a === 'enum' || a === 'set') && a === b) {
    const kept = new Set(after.values ?? []);
    const lost = (before.values ?? []).filter((v) => !kept.has(v));
    return lost.length > 0 ? `fewer ${a.toUpperCase()} values (${lost.map((v) => `'${v}'`).join(', ')} removed)` : null;
  }
  if (a !== b && !widens(before, after)) return 'a different type';
  return null;
}

const STRINGS: ReadonlySet<string> = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
const BINARIES: ReadonlySet<string> = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** A change between two types that keeps every value old code writes (called when the types differ). */
function widens(before: ColumnDef, after: ColumnDef): boolean {
  const [a, b] = [before.dataType, after.dataType];
  if (own(INT_RANK, a) && own(INT_RANK, b)) return true; // narrowing() already judged the rank and sign
  if (own(INT_RANK, a) && b === 'decimal') {
    const digits = (after.length ?? 10) - (after.scale ?? 0);
    return digits >= String(2 ** (8 * (own(INT_RANK, a) ?? 5)) - 1).length;
  }
  if (a === 'float' && b === 'double') return true;
  for (const family of [STRINGS, BINARIES]) {
    if (family.has(a) && family.has(b)) return SIZED.has(b) ? (after.length ?? 1) >= (before.length ?? 1) : true;
  }
  return false;
}

function columnChanges(stmt: ReviewStatement, table: CatalogTable | undefined): FindingDraft[] {
  const ddl = tableDdl(stmt);
  if (ddl?.statement !== 'alter-table') return [];
  const where = tableLabel(ddl);
  const findings: FindingDraft[] = [];
  for (const action of ddl.actions) {
    if (action.type === 'drop-column') {
      findings.push({
        message: `Drops column \`${action.name}\` of ${where}: code that still reads or writes it fails.`,
        fragment: `DROP COLUMN ${action.name}`,
      });
    } else if (
      action.type === 'rename-column' ||
      (action.type === 'change-column' && action.from.toLowerCase() !== action.column.name.toLowerCase())
    ) {
      const [from, to] = action.type === 'rename-column' ? [action.from, action.to] : [action.from, action.column.name];
      findings.push({
        message: `Renames column \`${from}\` of ${where} to \`${to}\`: code that uses the old name fails.`,
        fragment: `${from} → ${to}`,
      });
    }
    if ((action.type === 'modify-column' || action.type === 'change-column') && table) {
      const from = action.type === 'change-column' ? action.from : action.column.name;
      const old = table.columns.find((c) => c.name.toLowerCase() === from.toLowerCase());
      const before = old ? parseColumnType(old.columnType) : null;
      if (!old || !before) continue;
      const why = narrowing(before, action.column);
      if (why)
        findings.push({
          message: `Changes \`${from}\` of ${where} from ${old.columnType} to ${formatColumnType(action.column)} — ${why}: values the running code writes may be rejected or cut.`,
          fragment: columnFragment(action.column),
        });
      if (old.nullable && !action.column.nullable)
        findings.push({
          message: `Makes \`${from}\` of ${where} NOT NULL: code that writes NULL to it fails.`,
          fragment: columnFragment(action.column),
        });
    }
  }
  for (const rename of renamedTables(stmt)) {
    findings.push({
      message: `Renames table \`${qualified(rename.from)}\` to \`${qualified(rename.to)}\`: code that uses the old name fails.`,
      fragment: `RENAME TO ${rename.to.table}`,
    });
  }
  return findings;
}

export const schemaBackwardCompatibility = defineRule({
  id: 'schema.backward-compatibility',
  severity: 'warning',
  needs: 'text',
  summary: 'schema changes must not break the code that is running',
  why:
    'During a deploy the old version of the application keeps running against the new ' +
    'schema. Dropping or renaming a table or column, or narrowing a type, makes its ' +
    'queries fail or its writes get rejected before the new version is out.',
  fix:
    'Change the schema in backward-compatible steps: add the new column or table, deploy ' +
    'code that uses it, then drop or rename the old one in a later ticket once nothing ' +
    'uses it.',
  check(ctx) {
    const { stmt } = ctx;
    switch (stmt.kind) {
      case 'drop-table':
        return droppedTables(stmt).map((t) => ({
          message: `Drops table \`${qualified(t)}\`: code that still uses it fails.`,
          fragment: stmt.stripped,
        }));
      case 'drop-database': {
        const name = droppedDatabase(stmt);
        return [
          {
            message: `Drops database ${name ? `\`${name}\`` : ''}: code that still uses it fails.`,
            fragment: stmt.stripped,
          },
        ];
      }
      case 'rename-table':
        return renamedTables(stmt).map((r) => ({
          message: `Renames table \`${qualified(r.from)}\` to \`${qualified(r.to)}\`: code that uses the old name fails.`,
          fragment: stmt.stripped,
        }));
      case 'alter-table':
        return columnChanges(stmt, tableBefore(ctx, tableDdl(stmt)?.table ?? null));
      default:
        return [];
    }
  },
});
