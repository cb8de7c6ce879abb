import type { TableRef } from '../ast.js';
import { MULTIWORD_TYPES, isKnownType, normaliseCurrentTimestamp, normaliseEngine, resolveType } from './data-types.js';
import { Cursor, lex } from './lexer.js';
import {
  emptyOptions, finishDdl, newColumn,
  type AlterAction, type ColumnDef, type ColumnDefault, type IndexColumn, type IndexDef, type TableDdl, type TableOptions,
} from './model.js';

/**
 * Token reader for CREATE TABLE, ALTER TABLE and CREATE INDEX: used when node-sql-parser cannot
 * read a statement (it rejects, among others, `ALTER TABLE … ADD PRIMARY KEY/UNIQUE/FOREIGN KEY`,
 * `PARTITION BY`, `SERIAL`, `CHARSET x` on a column). Lenient: a clause it does not understand is
 * skipped up to the next comma, never guessed at.
 */
export function tableDdlFromText(stripped: string): TableDdl | null {
  const cur = new Cursor(stripped, lex(stripped));
  if (cur.accept('CREATE')) {
    cur.accept('OR', 'REPLACE');
    const temporary = cur.accept('TEMPORARY');
    if (cur.accept('TABLE')) return createTable(cur, temporary);
    while (['ONLINE', 'OFFLINE'].includes(cur.word())) cur.next();
    const kind = cur.word();
    if (kind === 'UNIQUE' || kind === 'FULLTEXT' || kind === 'SPATIAL') cur.next();
    if (cur.accept('INDEX')) return createIndex(cur, kind === 'UNIQUE' ? 'unique' : kind === 'FULLTEXT' ? 'fulltext' : kind === 'SPATIAL' ? 'spatial' : 'index');
    return null;
  }
  if (cur.accept('ALTER')) {
    while (['ONLINE', 'OFFLINE', 'IGNORE'].includes(cur.word())) cur.next();
    if (cur.accept('TABLE')) return alterTable(cur);
  }
  return null;
}

function blank(statement: TableDdl['statement'], table: TableRef | null): TableDdl {
  return {
    statement, table, source: 'text', ifNotExists: false, temporary: false, copy: null,
    columns: [], indexes: [], options: emptyOptions(), actions: [], algorithm: null, lock: null,
  };
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

function createTable(cur: Cursor, temporary: boolean): TableDdl {
  const ifNotExists = cur.accept('IF', 'NOT', 'EXISTS');
  const ddl = blank('create-table', cur.qualifiedName());
  ddl.temporary = temporary;
  ddl.ifNotExists = ifNotExists;
  if (cur.word() === 'LIKE' || (cur.isPunct('(') && cur.word(1) === 'LIKE')) {
    ddl.copy = 'like';
    return ddl;
  }
  if (cur.isPunct('(') && !isSelectStart(cur, 1)) readElements(cur, ddl, 'create');
  readTableOptions(cur, ddl.options, true);
  if (cur.word() === 'PARTITION' && cur.word(1) === 'BY') {
    ddl.options.partitioned = true;
    while (!cur.done && !isSelectStart(cur, 0)) cur.next();
  }
  if (!cur.done && (['IGNORE', 'REPLACE', 'AS'].includes(cur.word()) || isSelectStart(cur, 0))) ddl.copy = 'select';
  return finishDdl(ddl);
}

function isSelectStart(cur: Cursor, k: number): boolean {
  let i = k;
  while (cur.isPunct('(', i)) i++;
  const w = cur.word(i);
  return w === 'SELECT' || w === 'WITH' || w === 'VALUES' || w === 'TABLE';
}

/** Words that open a key or constraint rather than a column in a table's element list. */
const KEY_STARTS: ReadonlySet<string> = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'INDEX', 'KEY', 'FULLTEXT', 'SPATIAL', 'CHECK']);

/** `( element, … )` of CREATE TABLE, or of `ALTER TABLE … ADD (col, …)`. */
function readElements(cur: Cursor, ddl: TableDdl, mode: 'create' | 'alter'): void {
  const depth = (cur.peek()?.depth ?? 0) + 1;
  cur.next();
  while (!cur.done) {
    if (cur.isPunct(')') && cur.peek()?.depth === depth - 1) {
      cur.next();
      return;
    }
    const start = cur.pos;
    if (cur.peek()?.kind === 'word' && KEY_STARTS.has(cur.word())) {
      const index = readIndex(cur);
      if (index) {
        ddl.indexes.push(index);
        if (mode === 'alter') ddl.actions.push({ type: 'add-index', index });
      }
    } else if (!(cur.word() === 'PERIOD' && cur.word(1) === 'FOR')) {
      const name = cur.name();
      if (name !== null) {
        const { column, indexes } = readColumn(cur, name, depth);
        if (column) {
          ddl.columns.push(column);
          if (mode === 'alter') ddl.actions.push({ type: 'add-column', column });
        }
        ddl.indexes.push(...indexes);
        if (mode === 'alter') for (const index of indexes) ddl.actions.push({ type: 'add-index', index });
      }
    }
    cur.skipTo(depth);
    cur.acceptPunct(',');
    if (cur.pos === start) cur.next();
  }
}

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
export function readColumn(cur: Cursor, name: string, depth: number): { column: ColumnDef | null; indexes: IndexDef[] } {
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
    if (!t || t.depth < depth || (t.depth === depth && t.kind === 'punct' && (t.value === ',' || t.value === ')'))) break;
    readColumnAttribute(cur, col, indexes);
  }
  return { column: col, indexes };
}

function inlineIndex(kind: 'primary' | 'unique', column: string): IndexDef {
  return {
    name: kind === 'primary' ? 'PRIMARY' : null, kind, columns: [{ name: column, prefixLength: null, expression: false }],
    inline: true, constraint: null, references: null,
  };
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
      if (references) indexes.push({ name: null, kind: 'foreign', columns: [{ name: col.name, prefixLength: null, expression: false }], inline: true, constraint: null, references });
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
  if (!t || t.kind !== 'word') return null;
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
  if (cur.accept('CONSTRAINT') && !['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(cur.word())) constraint = cur.name();
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
function readKeyParts(cur: Cursor): IndexColumn[] {
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
  'AVG_ROW_LENGTH', 'CHECKSUM', 'TABLE_CHECKSUM', 'COMPRESSION', 'CONNECTION', 'DELAY_KEY_WRITE', 'ENCRYPTION', 'ENCRYPTED',
  'ENCRYPTION_KEY_ID', 'INSERT_METHOD', 'KEY_BLOCK_SIZE', 'MAX_ROWS', 'MIN_ROWS', 'PACK_KEYS', 'PASSWORD',
  'STATS_AUTO_RECALC', 'STATS_PERSISTENT', 'STATS_SAMPLE_PAGES', 'TABLESPACE', 'UNION', 'PAGE_CHECKSUM', 'PAGE_COMPRESSED',
  'PAGE_COMPRESSION_LEVEL', 'TRANSACTIONAL', 'IETF_QUOTES', 'SEQUENCE', 'ENGINE_ATTRIBUTE', 'SECONDARY_ENGINE',
  'SECONDARY_ENGINE_ATTRIBUTE', 'AUTOEXTEND_SIZE', 'STORAGE',
]);

/** Read table options at the cursor into `opts`; returns whether any was read. */
function readTableOptions(cur: Cursor, opts: Partial<TableOptions>, commas: boolean): boolean {
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

// ---------------------------------------------------------------------------------------------
// ALTER TABLE

function alterTable(cur: Cursor): TableDdl {
  cur.accept('IF', 'EXISTS');
  const ddl = blank('alter-table', cur.qualifiedName());
  if (cur.accept('WAIT')) cur.next();
  cur.accept('NOWAIT');
  while (!cur.done) {
    const start = cur.pos;
    readAlterSpec(cur, ddl);
    while (!cur.done && !cur.isPunct(',')) {
      const options: Partial<TableOptions> = {};
      const before = cur.pos;
      if (readTableOptions(cur, options, false)) ddl.actions.push({ type: 'table-options', options });
      else if (!readLockOrAlgorithm(cur, ddl)) cur.skipTo(0);
      if (cur.pos === before) cur.next();
    }
    cur.acceptPunct(',');
    if (cur.pos === start) cur.next();
  }
  return finishDdl(ddl);
}

function readLockOrAlgorithm(cur: Cursor, ddl: TableDdl): boolean {
  const w = cur.word();
  if (w !== 'ALGORITHM' && w !== 'LOCK') return false;
  cur.next();
  cur.acceptPunct('=');
  const value = cur.next()?.raw.toUpperCase() ?? '';
  ddl.actions.push(w === 'ALGORITHM' ? { type: 'algorithm', value } : { type: 'lock', value });
  return true;
}

const PARTITION_VERBS: ReadonlySet<string> = new Set([
  'COALESCE', 'REORGANIZE', 'EXCHANGE', 'TRUNCATE', 'ANALYZE', 'CHECK', 'OPTIMIZE', 'REBUILD', 'REPAIR', 'DISCARD', 'IMPORT',
]);

/** One comma-separated clause of ALTER TABLE. */
function readAlterSpec(cur: Cursor, ddl: TableDdl): void {
  const start = cur.pos;
  const w = cur.word();
  const push = (action: AlterAction): void => {
    ddl.actions.push(action);
  };
  if (w === 'PARTITION' || w === 'REMOVE' || (PARTITION_VERBS.has(w) && cur.word(1) === 'PARTITION')) {
    if (w === 'PARTITION' && cur.word(1) === 'BY') ddl.options.partitioned = true;
    cur.skipTo(0);
    push({ type: 'partition', text: cur.textFrom(start) });
    return;
  }
  switch (w) {
    case 'ADD':
      cur.next();
      readAdd(cur, ddl, start);
      return;
    case 'MODIFY':
    case 'CHANGE': {
      cur.next();
      cur.accept('COLUMN');
      cur.accept('IF', 'EXISTS');
      const from = cur.name();
      const name = w === 'CHANGE' ? cur.name() : from;
      if (from === null || name === null) break;
      const { column, indexes } = readColumn(cur, name, 0);
      if (!column) break;
      push(w === 'CHANGE' ? { type: 'change-column', from, column } : { type: 'modify-column', column });
      for (const index of indexes) push({ type: 'add-index', index });
      return;
    }
    case 'DROP':
      cur.next();
      readDrop(cur, ddl, start);
      return;
    case 'RENAME':
      cur.next();
      readRename(cur, ddl);
      return;
    case 'ALTER':
      cur.next();
      readAlterColumn(cur, ddl, start);
      return;
    case 'CONVERT':
      if (cur.accept('CONVERT', 'TO')) {
        if (!cur.accept('CHARSET')) cur.accept('CHARACTER', 'SET');
        cur.acceptPunct('=');
        const charset = cur.name()?.toLowerCase() ?? '';
        const collation = cur.accept('COLLATE') ? (cur.name()?.toLowerCase() ?? null) : null;
        push({ type: 'convert-charset', charset, collation });
        return;
      }
      break;
    default:
      if (readLockOrAlgorithm(cur, ddl)) return;
      {
        const options: Partial<TableOptions> = {};
        if (readTableOptions(cur, options, false)) {
          push({ type: 'table-options', options });
          return;
        }
      }
  }
  cur.pos = Math.max(cur.pos, start);
  cur.skipTo(0);
  if (cur.pos === start) cur.next();
  push({ type: 'other', text: cur.textFrom(start) });
}

function readAdd(cur: Cursor, ddl: TableDdl, start: number): void {
  if (cur.word() === 'PARTITION') {
    cur.skipTo(0);
    ddl.actions.push({ type: 'partition', text: cur.textFrom(start) });
    return;
  }
  const explicitColumn = cur.accept('COLUMN');
  cur.accept('IF', 'NOT', 'EXISTS');
  if (!explicitColumn && cur.peek()?.kind === 'word' && KEY_STARTS.has(cur.word())) {
    const index = readIndex(cur);
    if (index) {
      ddl.actions.push({ type: 'add-index', index });
    } else {
      cur.skipTo(0);
      ddl.actions.push({ type: 'other', text: cur.textFrom(start) });
    }
    return;
  }
  if (cur.isPunct('(')) {
    readElements(cur, ddl, 'alter');
    return;
  }
  const name = cur.name();
  if (name === null) return;
  const { column, indexes } = readColumn(cur, name, 0);
  if (column) ddl.actions.push({ type: 'add-column', column });
  for (const index of indexes) ddl.actions.push({ type: 'add-index', index });
}

function readDrop(cur: Cursor, ddl: TableDdl, start: number): void {
  if (cur.accept('PRIMARY', 'KEY')) {
    ddl.actions.push({ type: 'drop-primary-key' });
    return;
  }
  if (cur.accept('FOREIGN', 'KEY')) {
    cur.accept('IF', 'EXISTS');
    const name = cur.name();
    if (name !== null) ddl.actions.push({ type: 'drop-foreign-key', name });
    return;
  }
  if (cur.word() === 'INDEX' || cur.word() === 'KEY') {
    cur.next();
    cur.accept('IF', 'EXISTS');
    const name = cur.name();
    if (name !== null) ddl.actions.push({ type: 'drop-index', name });
    return;
  }
  if (cur.word() === 'CONSTRAINT' || cur.word() === 'CHECK' || cur.word() === 'PARTITION' || cur.word() === 'PERIOD' || cur.word() === 'SYSTEM') {
    cur.skipTo(0);
    const text = cur.textFrom(start);
    ddl.actions.push(text.toUpperCase().includes('PARTITION') ? { type: 'partition', text } : { type: 'other', text });
    return;
  }
  cur.accept('COLUMN');
  cur.accept('IF', 'EXISTS');
  const name = cur.name();
  if (name !== null) ddl.actions.push({ type: 'drop-column', name });
}

function readRename(cur: Cursor, ddl: TableDdl): void {
  if (cur.accept('COLUMN')) {
    const from = cur.name();
    cur.accept('TO');
    const to = cur.name();
    if (from !== null && to !== null) ddl.actions.push({ type: 'rename-column', from, to });
    return;
  }
  if (cur.word() === 'INDEX' || cur.word() === 'KEY') {
    cur.next();
    const from = cur.name();
    cur.accept('TO');
    const to = cur.name();
    if (from !== null && to !== null) ddl.actions.push({ type: 'rename-index', from, to });
    return;
  }
  if (!cur.accept('TO')) cur.accept('AS');
  const to = cur.qualifiedName();
  if (to) ddl.actions.push({ type: 'rename-table', to });
}

function readAlterColumn(cur: Cursor, ddl: TableDdl, start: number): void {
  if (cur.word() !== 'INDEX' && cur.word() !== 'KEY' && cur.word() !== 'CHECK' && cur.word() !== 'CONSTRAINT') {
    cur.accept('COLUMN');
    cur.accept('IF', 'EXISTS');
    const name = cur.name();
    if (name !== null && cur.accept('SET', 'DEFAULT')) {
      ddl.actions.push({ type: 'alter-column-default', name, default: readDefault(cur) });
      return;
    }
    if (name !== null && cur.accept('DROP', 'DEFAULT')) {
      ddl.actions.push({ type: 'alter-column-default', name, default: null });
      return;
    }
  }
  cur.skipTo(0);
  ddl.actions.push({ type: 'other', text: cur.textFrom(start) });
}

// ---------------------------------------------------------------------------------------------
// CREATE INDEX

function createIndex(cur: Cursor, kind: IndexDef['kind']): TableDdl {
  const ifNotExists = cur.accept('IF', 'NOT', 'EXISTS');
  const name = cur.name();
  if (cur.accept('USING')) cur.next();
  if (!cur.accept('ON')) return blank('create-index', null);
  const ddl = blank('create-index', cur.qualifiedName());
  ddl.ifNotExists = ifNotExists;
  const columns = readKeyParts(cur);
  const index: IndexDef = { name, kind, columns, inline: false, constraint: null, references: null };
  ddl.indexes.push(index);
  ddl.actions.push({ type: 'add-index', index });
  while (!cur.done) {
    if (!readLockOrAlgorithm(cur, ddl)) cur.next();
  }
  return finishDdl(ddl);
}
