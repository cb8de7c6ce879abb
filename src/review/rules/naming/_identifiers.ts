import { createdObjectName, renamedTables, tableDdl } from '../../ast-ddl.js';
import type { ReviewStatement } from '../../types.js';

export type IdentifierKind = 'table' | 'column' | 'index' | 'constraint' | 'view';

export interface Identifier {
  kind: IdentifierKind;
  name: string;
}

const cache = new WeakMap<ReviewStatement, Identifier[]>();

/** Names a statement gives to new things: tables, columns, keys, constraints, views (not the names it only refers to). */
export function introducedIdentifiers(stmt: ReviewStatement): Identifier[] {
  let found = cache.get(stmt);
  if (!found) {
    found = collect(stmt);
    cache.set(stmt, found);
  }
  return found;
}

function collect(stmt: ReviewStatement): Identifier[] {
  const out: Identifier[] = [];
  if (stmt.kind === 'create-view') {
    const view = createdObjectName(stmt, 'VIEW');
    if (view) out.push({ kind: 'view', name: view.split('.').at(-1) ?? view });
    return out;
  }
  for (const rename of renamedTables(stmt)) out.push({ kind: 'table', name: rename.to.table });
  const ddl = tableDdl(stmt);
  if (!ddl) return out;
  if (ddl.statement === 'create-table' && ddl.table) {
    out.push({ kind: 'table', name: ddl.table.table });
    for (const col of ddl.columns) out.push({ kind: 'column', name: col.name });
  }
  for (const action of ddl.actions) {
    if (action.type === 'add-column') out.push({ kind: 'column', name: action.column.name });
    else if (action.type === 'change-column' && action.from.toLowerCase() !== action.column.name.toLowerCase())
      out.push({ kind: 'column', name: action.column.name });
    else if (action.type === 'rename-column') out.push({ kind: 'column', name: action.to });
    else if (action.type === 'rename-index') out.push({ kind: 'index', name: action.to });
  }
  for (const index of ddl.indexes) {
    if (index.kind === 'primary') continue;
    if (index.constraint && index.constraint !== index.name) out.push({ kind: 'constraint', name: index.constraint });
    if (index.name) out.push({ kind: index.kind === 'foreign' ? 'constraint' : 'index', name: index.name });
  }
  return out;
}
