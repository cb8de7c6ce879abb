import type { TableRef } from '../ast.js';

/**
 * The normalised shape of table DDL (CREATE TABLE, ALTER TABLE, CREATE INDEX), whichever reader
 * produced it: node-sql-parser's AST, or the token reader for statements the parser cannot read.
 * Names keep their spelling; types, charsets and collations are lower-cased.
 */

export type IndexKind = 'primary' | 'unique' | 'index' | 'fulltext' | 'spatial' | 'foreign';

export interface IndexColumn {
  /** Column name; '' for a functional key part. */
  name: string;
  /** `(n)` prefix length, or null for the whole column. */
  prefixLength: number | null;
  /** A functional key part such as `((LOWER(email)))`. */
  expression: boolean;
}

export interface IndexDef {
  /** 'PRIMARY' for a primary key; the name as written; null when unnamed (the server then names it). */
  name: string | null;
  kind: IndexKind;
  columns: IndexColumn[];
  /** Declared on a column (`id INT PRIMARY KEY`, `email … UNIQUE`, `… REFERENCES`). */
  inline: boolean;
  /** `CONSTRAINT name`, when written. */
  constraint: string | null;
  /** Referenced table and columns (foreign keys). */
  references: { table: TableRef; columns: string[] } | null;
}

export type DefaultKind = 'null' | 'string' | 'number' | 'bool' | 'bit' | 'hex' | 'current-timestamp' | 'expression';

export interface ColumnDefault {
  kind: DefaultKind;
  /**
   * null: 'NULL'; string: the unescaped text; number: as written (`-1`, `0.5`); bool: 'TRUE'/'FALSE';
   * bit/hex: the digits; current-timestamp: `CURRENT_TIMESTAMP` or `CURRENT_TIMESTAMP(n)` (NOW(),
   * LOCALTIME and LOCALTIMESTAMP normalised); expression: the SQL text (approximate).
   */
  value: string;
}

export type ColumnPosition = { kind: 'first' } | { kind: 'after'; column: string };

export interface ColumnDef {
  name: string;
  /** Lower-case base type with aliases resolved: INTEGER→int, BOOL→tinyint, REAL→double, SERIAL→bigint… */
  dataType: string;
  /** `(n)`: characters (CHAR/VARCHAR), bytes (BINARY), precision (DECIMAL), bits (BIT), fsp (DATETIME), display width (INT). */
  length: number | null;
  /** DECIMAL/FLOAT/DOUBLE scale. */
  scale: number | null;
  /** ENUM/SET members. */
  values: string[] | null;
  unsigned: boolean;
  zerofill: boolean;
  /** False with NOT NULL, or when the column is part of the primary key. */
  nullable: boolean;
  /** The DEFAULT clause; null when there is none. */
  default: ColumnDefault | null;
  /** `ON UPDATE CURRENT_TIMESTAMP[(n)]`, normalised like defaults. */
  onUpdate: string | null;
  autoIncrement: boolean;
  comment: string | null;
  charset: string | null;
  collation: string | null;
  /** FIRST / AFTER col (ALTER TABLE). */
  position: ColumnPosition | null;
  /** A generated (virtual or stored) column. */
  generated: boolean;
}

export interface TableOptions {
  engine: string | null;
  charset: string | null;
  collation: string | null;
  comment: string | null;
  autoIncrement: number | null;
  rowFormat: string | null;
  /** PARTITION BY … is present. */
  partitioned: boolean;
}

export type AlterAction =
  | { type: 'add-column'; column: ColumnDef }
  | { type: 'modify-column'; column: ColumnDef }
  | { type: 'change-column'; from: string; column: ColumnDef }
  | { type: 'drop-column'; name: string }
  | { type: 'rename-column'; from: string; to: string }
  /** ALTER COLUMN … SET DEFAULT v (default) or DROP DEFAULT (null). */
  | { type: 'alter-column-default'; name: string; default: ColumnDefault | null }
  | { type: 'add-index'; index: IndexDef }
  | { type: 'drop-index'; name: string }
  | { type: 'drop-primary-key' }
  | { type: 'drop-foreign-key'; name: string }
  | { type: 'rename-index'; from: string; to: string }
  | { type: 'rename-table'; to: TableRef }
  | { type: 'table-options'; options: Partial<TableOptions> }
  | { type: 'convert-charset'; charset: string; collation: string | null }
  /** PARTITION BY, ADD/DROP/REORGANIZE PARTITION, REMOVE PARTITIONING… */
  | { type: 'partition'; text: string }
  | { type: 'algorithm'; value: string }
  | { type: 'lock'; value: string }
  | { type: 'other'; text: string };

export interface TableDdl {
  statement: 'create-table' | 'alter-table' | 'create-index';
  table: TableRef | null;
  /** Which reader produced this: the parser's AST, or the token reader when the parser failed. */
  source: 'ast' | 'text';
  ifNotExists: boolean;
  temporary: boolean;
  /** CREATE TABLE … LIKE other / … AS SELECT: the columns come from elsewhere. */
  copy: 'like' | 'select' | null;
  /** CREATE TABLE: every column. ALTER TABLE: the columns it adds, modifies or changes. */
  columns: ColumnDef[];
  /** CREATE TABLE: every key (inline ones too). ALTER TABLE / CREATE INDEX: the keys it adds. */
  indexes: IndexDef[];
  /** Table options written in the statement (ALTER: the ones it sets). */
  options: TableOptions;
  /** ALTER TABLE: each clause, in order. CREATE INDEX: one add-index. CREATE TABLE: none. */
  actions: AlterAction[];
  algorithm: string | null;
  lock: string | null;
}

/** A key declared on a column itself: `id INT PRIMARY KEY`, `email … UNIQUE`, `… REFERENCES p (id)`. */
export function inlineIndex(
  kind: 'primary' | 'unique' | 'foreign',
  column: string,
  references: IndexDef['references'] = null,
): IndexDef {
  return {
    name: kind === 'primary' ? 'PRIMARY' : null,
    kind,
    columns: [{ name: column, prefixLength: null, expression: false }],
    inline: true,
    constraint: null,
    references,
  };
}

export function emptyOptions(): TableOptions {
  return {
    engine: null,
    charset: null,
    collation: null,
    comment: null,
    autoIncrement: null,
    rowFormat: null,
    partitioned: false,
  };
}

export function newColumn(name: string, dataType: string): ColumnDef {
  return {
    name,
    dataType,
    length: null,
    scale: null,
    values: null,
    unsigned: false,
    zerofill: false,
    nullable: true,
    default: null,
    onUpdate: null,
    autoIncrement: false,
    comment: null,
    charset: null,
    collation: null,
    position: null,
    generated: false,
  };
}

/**
 * Derived fields both readers share: an ALTER's `columns`, `indexes` and `options` from its actions,
 * the ALGORITHM/LOCK clauses, and NOT NULL for primary-key columns.
 */
export function finishDdl(ddl: TableDdl): TableDdl {
  ddl.actions = ddl.actions.map(
    (a): AlterAction =>
      a.type === 'drop-index' && a.name.toUpperCase() === 'PRIMARY' ? { type: 'drop-primary-key' } : a,
  );
  for (const action of ddl.actions) {
    switch (action.type) {
      case 'add-column':
      case 'modify-column':
      case 'change-column':
        if (!ddl.columns.includes(action.column)) ddl.columns.push(action.column);
        break;
      case 'add-index':
        if (!ddl.indexes.includes(action.index)) ddl.indexes.push(action.index);
        break;
      case 'table-options':
        for (const [key, value] of Object.entries(action.options)) {
          if (value !== undefined) Object.assign(ddl.options, { [key]: value });
        }
        break;
      case 'convert-charset':
        ddl.options.charset = action.charset;
        if (action.collation) ddl.options.collation = action.collation;
        break;
      case 'algorithm':
        ddl.algorithm = action.value;
        break;
      case 'lock':
        ddl.lock = action.value;
        break;
      default:
        break;
    }
  }
  const primary = new Set(
    ddl.indexes.filter((i) => i.kind === 'primary').flatMap((i) => i.columns.map((c) => c.name.toLowerCase())),
  );
  for (const column of ddl.columns) if (primary.has(column.name.toLowerCase())) column.nullable = false;
  return ddl;
}
