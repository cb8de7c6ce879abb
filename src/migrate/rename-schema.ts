import { quoteIdent } from './sql.js';

/**
 * A view's, trigger's or routine's text with every qualifier naming the schema `from`
 * (`shop.orders`, `` `shop`.`orders` ``, `` `shop` . orders ``) pointing at `to` instead, so a copy
 * of the object uses the destination's tables and not the source's. Only a name followed by a `.`
 * (and not itself after a `.`) is a schema qualifier; string literals, quoted names elsewhere and
 * comments are left as they are. Names compare exactly (schema names are case-sensitive on most
 * servers).
 */
export function renameSchema(sql: string, from: string, to: string): string {
  if (from === to) return sql;
  let out = '';
  let i = 0;
  let previous = '';
  while (i < sql.length) {
    const c = sql[i];
    const end = skipLiteral(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      previous = sql[end - 1];
      i = end;
      continue;
    }
    if (c === '`') {
      const close = closingBacktick(sql, i);
      const name = sql.slice(i + 1, close).replace(/``/g, '`');
      out += isQualifier(sql, close + 1, previous) && name === from ? quoteIdent(to) : sql.slice(i, close + 1);
      previous = '`';
      i = close + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_$\u0080-\uffff]+/.exec(sql.slice(i, i + 256));
    if (word) {
      const after = i + word[0].length;
      out += word[0] === from && isQualifier(sql, after, previous) ? quoteIdent(to) : word[0];
      previous = word[0][word[0].length - 1];
      i = after;
      continue;
    }
    out += c;
    if (!/\s/.test(c)) previous = c;
    i++;
  }
  return out;
}

/** A name is a schema qualifier when a `.` follows it and none comes before it (then it would be a table or column). */
function isQualifier(sql: string, from: number, previous: string): boolean {
  if (previous === '.' || previous === '@') return false;
  let j = from;
  while (j < sql.length && /\s/.test(sql[j])) j++;
  return sql[j] === '.';
}

function closingBacktick(sql: string, open: number): number {
  let j = open + 1;
  while (j < sql.length) {
    if (sql[j] === '`') {
      if (sql[j + 1] === '`') {
        j += 2;
        continue;
      }
      return j;
    }
    j++;
  }
  return sql.length - 1;
}

/** The end of a string literal or comment starting at `i`, or `i` when none starts there. */
function skipLiteral(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === '#' || (c === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? ' '))) {
    const nl = sql.indexOf('\n', i);
    return nl < 0 ? sql.length : nl;
  }
  if (c === '/' && sql[i + 1] === '*' && sql[i + 2] !== '!') {
    const close = sql.indexOf('*/', i + 2);
    return close < 0 ? sql.length : close + 2;
  }
  return i;
}
