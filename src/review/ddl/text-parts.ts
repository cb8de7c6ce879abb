import { MULTIWORD_TYPES, isKnownType, normaliseCurrentTimestamp, normaliseEngine, resolveType } from './data-types.js';
import type { Cursor } from './lexer.js';
import {
  inlineIndex,
  newColumn,
  type ColumnDef,
  type ColumnDefault,
  type IndexColumn,
  type IndexDef,
  type TableOptions,
} from './model.js';

/**
 * The pieces of table DDL the token reader (from-text.ts) is built from: column definitions and
 * their DEFAULT values, key definitions, and table options.
 */

// ---------------------------------------------------------------------------------------------
// Columns

/** Type name at the cursor: the longest multi-word alias (`DOUBLE PRECISION`), else one word. */
function readTypeName(cur: Cursor): string | null {
  for (const words of MULTIWORD_TYPES) {
    if (words.every((w, k) => cur.word(k) === w)) {
      cur.pos += words.length;
      return words.join(' ');
    }
  }
  const w = cur.word();
  if (!w || !isKnownType(w)) return null;
  cur.next();
  return w;
}

/** `(10)`, `(10,2)` or `('a','b')` after a type name. */
function readTypeArgs(cur: Cursor, col: ColumnDef): void {
  if (!cur.isPunct('(')) return;
  const depth = (cur.peek()?.depth ?? 0) + 1;
  cur.next();
  const numbers: number[] = [];
  const strings: string[] = [];
  while (!cur.done) {
    const t = cur.next();
    if (!t || (t.kind === 'punct' && t.value === ')' && t.depth === depth - 1)) break;
    if (t.depth !== depth) continue;
    if (t.kind === 'number') numbers.push(Number(t.value));
    else if (t.kind === 'string') strings.push(t.value);
  }
  if (col.dataType === 'enum' || col.dataType === 'set') {
    col.values = strings;
    return;
  }
  if (numbers.length > 0) col.length = numbers[0];
  if (numbers.length > 1) col.scale = numbers[1];
}

/** A column definition after its name, up to the next `,` or `)` at `depth`. */
export function readColumn(
  cur: Cursor,
  name: string,
  depth: number,
): { column: ColumnDef | null; indexes: IndexDef[] } {
  const indexes: IndexDef[] = [];
  const written = readTypeName(cur);
  if (written === null) return { column: null, indexes };
  const alias = resolveType(written);
  const col = newColumn(name, alias.base);
  if (alias.length !== undefined) col.length = alias.length;
  if (alias.unsigned) col.unsigned = true;
  if (alias.national) col.charset = 'utf8mb3';
  if (alias.serial) {
    col.autoIncrement = true;
    col.nullable = false;
    indexes.push(inlineIndex('unique', name));
  }
  readTypeArgs(cur, col);
  while (!cur.done) {
    const t = cur.peek();
    if (!t || t.depth < depth || (t.depth === depth && t.kind === 'punct' && (t.value === ',' || t.value === ')')))
      break;
    readColumnAttribute(cur, col, indexes);
  }
  return { column: col, indexes };
}

/** One attribute of a column definition (NOT NULL, DEFAULT …, COMMENT …); unknown tokens are skipped. */
function readColumnAttribute(cur: Cursor, col: ColumnDef, indexes: IndexDef[]): void {
  const w = cur.word();
  switch (w) {
    case 'UNSIGNED':
      col.unsigned = true;
      break;
    case 'ZEROFILL':
      col.zerofill = true;
      col.unsigned = true;
      break;
    case 'NOT':
      if (cur.word(1) === 'NULL') {
        col.nullable = false;
        cur.next();
      }
      break;
    case 'NULL':
      col.nullable = true;
      break;
    case 'DEFAULT':
      cur.next();
      col.default = readDefault(cur);
      return;
    case 'AUTO_INCREMENT':
      col.autoIncrement = true;
      break;
    case 'UNIQUE':
      cur.next();
      cur.accept('KEY');
      indexes.push(inlineIndex('unique', col.name));
      return;
    case 'PRIMARY':
    case 'KEY':
      cur.next();
      if (w === 'PRIMARY') cur.accept('KEY');
      col.nullable = false;
      indexes.push(inlineIndex('primary', col.name));
      return;
    case 'COMMENT':
      cur.next();
      if (cur.peek()?.kind === 'string') col.comment = cur.next()?.value ?? null;
      return;
    case 'CHARACTER':
    case 'CHARSET':
      cur.next();
      if (w === 'CHARACTER') cur.accept('SET');
      col.charset = cur.name()?.toLowerCase() ?? null;
      return;
    case 'COLLATE':
      cur.next();
      col.collation = cur.name()?.toLowerCase() ?? null;
      return;
    case 'ON':
      if (cur.word(1) === 'UPDATE') {
        cur.pos += 2;
        col.onUpdate = readTimestampFunction(cur);
        return;
      }
      break;
    case 'AS':
      cur.next();
      cur.group();
      col.generated = true;
      return;
    case 'REFERENCES': {
      const references = readReferences(cur);
      if (references) indexes.push(inlineIndex('foreign', col.name, references));
      return;
    }
    case 'FIRST':
      col.position = { kind: 'first' };
      break;
    case 'AFTER': {
      cur.next();
      const after = cur.name();
      if (after !== null) col.position = { kind: 'after', column: after };
      return;
    }
    default:
      if (cur.isPunct('(')) {
        cur.group(); // CHECK (…), and the like
        return;
      }
  }
  cur.next();
}

/** `CURRENT_TIMESTAMP[(n)]` and its synonyms; null (after skipping it) for anything else. */
function readTimestampFunction(cur: Cursor): string | null {
  const t = cur.next();
  if (t?.kind !== 'word') return null;
  const precision = cur.isPunct('(') ? cur.group() : '';
  return normaliseCurrentTimestamp(t.value, precision || null);
}

/** The value after DEFAULT. */
export function readDefault(cur: Cursor): ColumnDefault | null {
  const t = cur.peek();
  if (!t) return null;
  if (t.kind === 'punct' && t.value === '(') return { kind: 'expression', value: `(${cur.group()})` };
  if (t.kind === 'punct' && (t.value === '-' || t.value === '+') && cur.peek(1)?.kind === 'number') {
    cur.next();
    const n = cur.next()?.value ?? '';
    return { kind: 'number', value: t.value === '-' ? `-${n}` : n };
  }
  cur.next();
  if (t.kind === 'number') {
    if (/^0x/i.test(t.value)) return { kind: 'hex', value: t.value.slice(2) };
    if (/^0b/i.test(t.value)) return { kind: 'bit', value: t.value.slice(2) };
    return { kind: 'number', value: t.value.replace(/\.$/, '') };
  }
  if (t.kind === 'string') {
    if (t.prefix === 'b') return { kind: 'bit', value: t.value };
    if (t.prefix === 'x') return { kind: 'hex', value: t.value };
    return { kind: 'string', value: t.value };
  }
  if (t.kind !== 'word') return { kind: 'expression', value: t.raw };
  if (t.value === 'NULL') return { kind: 'null', value: 'NULL' };
  if (t.value === 'TRUE' || t.value === 'FALSE') return { kind: 'bool', value: t.value };
  const args = cur.isPunct('(') ? cur.group() : null;
  const now = normaliseCurrentTimestamp(t.value, args || null);
  if (now) return { kind: 'current-timestamp', value: now };
  return { kind: 'expression', value: args === null ? t.value : `${t.value}(${args})` };
}

// ---------------------------------------------------------------------------------------------
// Keys

/** A key or constraint definition; null for CHECK constraints and anything unrecognised. */
export function readIndex(cur: Cursor): IndexDef | null {
  let constraint: string | null = null;
  if (cur.accept('CONSTRAINT') && !['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(cur.word()))
    constraint = cur.name();
  const w = cur.word();
  let kind: IndexDef['kind'];
  if (cur.accept('PRIMARY', 'KEY')) {
    kind = 'primary';
  } else if (w === 'UNIQUE' || w === 'FULLTEXT' || w === 'SPATIAL') {
    cur.next();
    if (!cur.accept('INDEX')) cur.accept('KEY');
    kind = w === 'UNIQUE' ? 'unique' : w === 'FULLTEXT' ? 'fulltext' : 'spatial';
  } else if (cur.accept('FOREIGN', 'KEY')) {
    kind = 'foreign';
  } else if (w === 'INDEX' || w === 'KEY') {
    cur.next();
    kind = 'index';
  } else {
    return null;
  }
  cur.accept('IF', 'NOT', 'EXISTS');
  let name: string | null = null;
  if (kind !== 'primary' && !cur.isPunct('(') && cur.word() !== 'USING') name = cur.name();
  if (cur.accept('USING')) cur.next();
  const columns = readKeyParts(cur);
  const references = kind === 'foreign' ? readReferences(cur) : null;
  if (kind === 'primary') name = 'PRIMARY';
  else if (kind === 'foreign') name = constraint ?? name;
  else name = name ?? constraint;
  return { name, kind, columns, inline: false, constraint, references };
}

/** `(col[(n)] [ASC|DESC], (expr), …)`. */
export function readKeyParts(cur: Cursor): IndexColumn[] {
  if (!cur.isPunct('(')) return [];
  const depth = (cur.peek()?.depth ?? 0) + 1;
  cur.next();
  const parts: IndexColumn[] = [];
  while (!cur.done) {
    if (cur.isPunct(')') && cur.peek()?.depth === depth - 1) {
      cur.next();
      break;
    }
    const start = cur.pos;
    if (cur.isPunct('(')) {
      cur.group();
      parts.push({ name: '', prefixLength: null, expression: true });
    } else {
      const name = cur.name();
      if (name !== null) {
        let prefixLength: number | null = null;
        if (cur.isPunct('(') && cur.peek(1)?.kind === 'number' && cur.isPunct(')', 2)) {
          prefixLength = Number(cur.peek(1)?.value);
          cur.pos += 3;
        }
        parts.push({ name, prefixLength, expression: false });
      }
    }
    cur.skipTo(depth);
    cur.acceptPunct(',');
    if (cur.pos === start) cur.next();
  }
  return parts;
}

function readReferences(cur: Cursor): IndexDef['references'] {
  if (!cur.accept('REFERENCES')) return null;
  const table = cur.qualifiedName();
  if (!table) return null;
  const columns = readKeyParts(cur).map((p) => p.name);
  return { table, columns };
}

// ---------------------------------------------------------------------------------------------
// Table options

/** Options that take a value and that the reader does not keep. */
const OTHER_OPTIONS: ReadonlySet<string> = new Set([
  'AVG_ROW_LENGTH',
  'CHECKSUM',
  'TABLE_CHECKSUM',
  'COMPRESSION',
  'CONNECTION',
  'DELAY_KEY_WRITE',
  'ENCRYPTION',
  'ENCRYPTED',
  'ENCRYPTION_KEY_ID',
  'INSERT_METHOD',
  'KEY_BLOCK_SIZE',
  'MAX_ROWS',
  'MIN_ROWS',
  'PACK_KEYS',
  'PASSWORD',
  'STATS_AUTO_RECALC',
  'STATS_PERSISTENT',
  'STATS_SAMPLE_PAGES',
  'TABLESPACE',
  'UNION',
  'PAGE_CHECKSUM',
  'PAGE_COMPRESSED',
  'PAGE_COMPRESSION_LEVEL',
  'TRANSACTIONAL',
  'IETF_QUOTES',
  'SEQUENCE',
  'ENGINE_ATTRIBUTE',
  'SECONDARY_ENGINE',
  'SECONDARY_ENGINE_ATTRIBUTE',
  'AUTOEXTEND_SIZE',
  'STORAGE',
]);

/** Read table options at the cursor into `opts`; returns whether any was read. */
export function readTableOptions(cur: Cursor, opts: Partial<TableOptions>, commas: boolean): boolean {
  let any = false;
  for (;;) {
    const start = cur.pos;
    if (commas && any) cur.acceptPunct(',');
    cur.accept('DEFAULT');
    const w = cur.word();
    if (w === 'ENGINE' || w === 'TYPE') {
      cur.next();
      cur.acceptPunct('=');
      const engine = cur.name();
      if (engine !== null) opts.engine = normaliseEngine(engine);
    } else if (w === 'CHARACTER' || w === 'CHARSET') {
      cur.next();
      if (w === 'CHARACTER') cur.accept('SET');
      cur.acceptPunct('=');
      opts.charset = cur.name()?.toLowerCase() ?? null;
    } else if (w === 'COLLATE') {
      cur.next();
      cur.acceptPunct('=');
      opts.collation = cur.name()?.toLowerCase() ?? null;
    } else if (w === 'COMMENT') {
      cur.next();
      cur.acceptPunct('=');
      if (cur.peek()?.kind === 'string') opts.comment = cur.next()?.value ?? null;
    } else if (w === 'AUTO_INCREMENT') {
      cur.next();
      cur.acceptPunct('=');
      if (cur.peek()?.kind === 'number') opts.autoIncrement = Number(cur.next()?.value);
    } else if (w === 'ROW_FORMAT') {
      cur.next();
      cur.acceptPunct('=');
      opts.rowFormat = cur.name()?.toUpperCase() ?? null;
    } else if (OTHER_OPTIONS.has(w) || ((w === 'DATA' || w === 'INDEX') && cur.word(1) === 'DIRECTORY')) {
      cur.pos += cur.word(1) === 'DIRECTORY' ? 2 : 1;
      cur.acceptPunct('=');
      if (cur.isPunct('(')) cur.group();
      else cur.next();
    } else if (w === 'WITH' && cur.word(1) === 'SYSTEM') {
      cur.pos += 3;
    } else {
      cur.pos = start;
      return any;
    }
    any = true;
  }
}
