import { isObject } from '../ast.js';
import { parseStatement } from '../parse.js';
import { isQuote, skipQuoted } from '../split.js';
import { visit } from './expression.js';

/** Schemas whose tables dbops never EXPLAINs a user's statement on: accounts, password hashes, server state. */
export const SYSTEM_SCHEMAS: ReadonlySet<string> = new Set([
  'mysql',
  'information_schema',
  'performance_schema',
  'sys',
]);

/**
 * Why dbops will not EXPLAIN `sql` (exactly this text) before approval, or null when it may. Only
 * a plain SELECT (or a UNION of them) passes: no subquery or WITH, no function outside the
 * harmless list, no variable, no locking read, no INTO, no system schema, and no comment the
 * parser and the server could read differently. The text is parsed here, so what is checked is
 * what would be sent.
 */
export function explainRefusal(sql: string): string | null {
  const lexical = lexicalRefusal(sql);
  if (lexical) return lexical;
  const parsed = parseStatement(sql);
  if (!parsed.ast) return 'dbops cannot read it, so it cannot tell what the server would run';
  if (!isObject(parsed.ast) || parsed.ast.type !== 'select') return 'only a SELECT is EXPLAINed before approval';
  const reasons = new Set<string>();
  checkSelect(parsed.ast, (reason) => reasons.add(reason));
  return reasons.size === 0 ? null : [...reasons].slice(0, 3).join('; ');
}

function checkSelect(select: Record<string, unknown>, refuse: (reason: string) => void): void {
  if (Array.isArray(select.with) && select.with.length > 0)
    refuse('it has a WITH clause (a subquery), which a server may run as soon as it reads the statement');
  if (isObject(select.into) && (select.into.expr || select.into.position))
    refuse('it writes its result somewhere (`INTO`)');
  if (select.locking_read) refuse('it is a locking read (FOR UPDATE / LOCK IN SHARE MODE)');
  for (const key in select) {
    if (key === 'with' || key === 'into' || key === 'locking_read' || key === 'type') continue;
    const value = select[key];
    if (key === '_next' && isObject(value)) checkSelect(value, refuse);
    else if (key === 'from') checkFrom(value, refuse);
    else visit(value, {}, refuse);
  }
}

function checkFrom(from: unknown, refuse: (reason: string) => void): void {
  if (!Array.isArray(from)) {
    visit(from, {}, refuse);
    return;
  }
  for (const item of from) {
    if (!isObject(item)) continue;
    const db = typeof item.db === 'string' ? item.db : null;
    if (db && SYSTEM_SCHEMAS.has(db.toLowerCase())) refuse(`it reads the system schema \`${db}\``);
    for (const key of Object.keys(item)) {
      if (key === 'db' || key === 'table' || key === 'as') continue;
      visit(item[key], {}, refuse);
    }
  }
}

/**
 * What the parser might read differently from the server, refused from the text itself: any
 * comment marker (node-sql-parser takes `--x` for a comment where the server reads `- -x`, and the
 * server runs an executable comment's content), a second statement, a variable, a locking read.
 */
function lexicalRefusal(sql: string): string | null {
  let outsideQuotes = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql.charCodeAt(i);
    if (isQuote(c)) {
      i = skipQuoted(sql, i);
      outsideQuotes += ' ';
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (two === '--' || two === '/*' || two === '*/' || sql[i] === '#')
      return 'it has a comment, which the server may read differently from dbops';
    if (sql[i] === ';') return 'it is more than one statement';
    if (sql[i] === '@') return `it uses the variable \`${/^@@?[\w$.]*/.exec(sql.slice(i))?.[0] ?? '@'}\``;
    if (sql[i] === '\\' || sql[i] === '{') return `it has a \`${sql[i]}\` outside quotes, which dbops cannot read`;
    outsideQuotes += sql[i];
    i++;
  }
  if (/\bFOR\s+(UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i.test(outsideQuotes))
    return 'it is a locking read (FOR UPDATE / LOCK IN SHARE MODE)';
  return null;
}
