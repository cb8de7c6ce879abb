import type { TableRef } from '../ast.js';
import { Cursor, lex } from './lexer.js';
import { emptyOptions, finishDdl, type AlterAction, type IndexDef, type TableDdl, type TableOptions } from './model.js';
import { readColumn, readDefault, readIndex, readKeyParts, readTableOptions } from './text-parts.js';

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
    if (cur.accept('INDEX'))
      return createIndex(
        cur,
        kind === 'UNIQUE' ? 'unique' : kind === 'FULLTEXT' ? 'fulltext' : kind === 'SPATIAL' ? 'spatial' : 'index',
      );
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
    statement,
    table,
    source: 'text',
    ifNotExists: false,
    temporary: false,
    copy: null,
    columns: [],
    indexes: [],
    options: emptyOptions(),
    actions: [],
    algorithm: null,
    lock: null,
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
const KEY_STARTS: ReadonlySet<string> = new Set([
  'CONSTRAINT',
  'PRIMARY',
  'UNIQUE',
  'FOREIGN',
  'INDEX',
  'KEY',
  'FULLTEXT',
  'SPATIAL',
  'CHECK',
]);

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
  'COALESCE',
  'REORGANIZE',
  'EXCHANGE',
  'TRUNCATE',
  'ANALYZE',
  'CHECK',
  'OPTIMIZE',
  'REBUILD',
  'REPAIR',
  'DISCARD',
  'IMPORT',
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
  if (
    cur.word() === 'CONSTRAINT' ||
    cur.word() === 'CHECK' ||
    cur.word() === 'PARTITION' ||
    cur.word() === 'PERIOD' ||
    cur.word() === 'SYSTEM'
  ) {
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
