import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { fromItems, type AstNode } from '../../ast-dml.js';

export const whereRequireSelect = defineRule({
  id: 'statement.where.require.select',
  severity: 'warning',
  needs: 'text',
  summary: 'SELECT from a table should have a WHERE clause',
  why:
    'A SELECT without WHERE reads every row of the table: on a large table it is slow, ' +
    'loads the server and can fill the memory of whoever receives the result.',
  fix:
    'Add a WHERE clause that picks the rows you need (ideally on an indexed column), or ' +
    'add LIMIT if you only want a sample.',
  check({ stmt }) {
    if (stmt.kind !== 'select' || !isObject(stmt.ast)) return [];
    const ctes = cteNames(stmt.ast);
    const offenders: string[] = [];
    for (const block of mainBlocks(stmt.ast)) {
      if (block.where) continue;
      const tables = baseTables(block, ctes);
      if (tables.length > 0) offenders.push(tables.map((t) => `\`${t}\``).join(', '));
    }
    return offenders.map((tables) => ({
      message: `SELECT from ${tables} has no WHERE clause: it reads every row.`,
      fragment: stmt.stripped,
    }));
  },
});

/** The SELECT blocks that read rows for the result: union branches, CTE bodies, derived tables. */
function mainBlocks(top: AstNode): AstNode[] {
  const blocks: AstNode[] = [];
  const visit = (node: unknown): void => {
    const select = isObject(node) && isObject(node.ast) ? node.ast : node;
    if (!isObject(select) || select.type !== 'select') return;
    blocks.push(select);
    if (Array.isArray(select.with)) for (const cte of select.with) if (isObject(cte)) visit(cte.stmt);
    for (const item of fromItems(select)) visit(item.expr);
    visit(select._next);
  };
  visit(top);
  return blocks;
}

function cteNames(top: AstNode): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(top.with)) return names;
  for (const cte of top.with) {
    const name = isObject(cte) && isObject(cte.name) ? cte.name.value : undefined;
    if (typeof name === 'string') names.add(name.toLowerCase());
  }
  return names;
}

/** Real tables in a block's FROM (not DUAL, not CTEs, not derived tables). */
function baseTables(block: AstNode, ctes: Set<string>): string[] {
  return fromItems(block)
    .filter((item) => typeof item.table === 'string' && !(item.db == null && ctes.has(item.table.toLowerCase())))
    .map((item) => (typeof item.db === 'string' ? `${item.db}.${String(item.table)}` : String(item.table)));
}
