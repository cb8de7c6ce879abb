import { isObject, type TableRef } from '../ast.js';
import { normaliseCurrentTimestamp, normaliseEngine, resolveType } from './data-types.js';
import { unescapeString, unquote } from './lexer.js';
import {
  emptyOptions,
  finishDdl,
  inlineIndex,
  newColumn,
  type AlterAction,
  type ColumnDef,
  type ColumnDefault,
  type IndexColumn,
  type IndexDef,
  type TableDdl,
  type TableOptions,
} from './model.js';

type Node = Record<string, unknown>;

/** CREATE TABLE, ALTER TABLE and CREATE INDEX from node-sql-parser's AST, in the shape of model.ts. */
export function tableDdlFromAst(ast: unknown): TableDdl | null {
  if (!isObject(ast)) return null;
  if (ast.type === 'create' && ast.keyword === 'table') return createTable(ast);
  if (ast.type === 'create' && ast.keyword === 'index') return createIndex(ast);
  if (ast.type === 'alter' && Array.isArray(ast.table)) return alterTable(ast);
  return null;
}

function blank(statement: TableDdl['statement'], table: TableRef | null): TableDdl {
  return {
    statement,
    table,
    source: 'ast',
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

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function tableRef(node: unknown): TableRef | null {
  if (Array.isArray(node)) return tableRef(node[0]);
  if (!isObject(node) || typeof node.table !== 'string') return null;
  return { db: str(node.db), table: node.table };
}

/** A column_ref's name (`column` is a string, or `{ expr: { value } }` in some builds). */
function refName(node: unknown): string | null {
  if (!isObject(node)) return null;
  const column = node.column;
  if (typeof column === 'string') return column;
  if (isObject(column) && isObject(column.expr)) return str(column.expr.value);
  return null;
}

/** A string literal node's text: the parser keeps the body as written, escapes unresolved. */
function literalText(node: unknown): string | null {
  if (!isObject(node) || typeof node.value !== 'string') return null;
  if (node.type === 'single_quote_string' || node.type === 'string' || node.type === 'natural_string')
    return unescapeString(node.value, "'");
  if (node.type === 'double_quote_string') return unescapeString(node.value, '"');
  return null;
}

/** `{ type: 'default', value: 'utf8mb4' }` or a bare string. */
function optionValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value)) return optionValue(value.value);
  return null;
}

function functionName(node: Node): string {
  const name = node.name;
  if (typeof name === 'string') return name;
  if (isObject(name) && Array.isArray(name.name)) {
    return name.name.map((part) => (isObject(part) ? String(part.value ?? '') : '')).join('.');
  }
  return '';
}

function functionArgs(node: Node): unknown[] {
  return isObject(node.args) && Array.isArray(node.args.value) ? node.args.value : [];
}

/** Approximate SQL text of an expression, for messages. */
function exprText(node: unknown): string {
  if (!isObject(node)) return String(node ?? '');
  switch (node.type) {
    case 'number':
    case 'bool':
      return String(node.value);
    case 'null':
      return 'NULL';
    case 'column_ref':
      return refName(node) ?? '?';
    case 'function':
      return `${functionName(node)}(${functionArgs(node).map(exprText).join(', ')})`;
    case 'binary_expr':
      return `${exprText(node.left)} ${String(node.operator)} ${exprText(node.right)}`;
    default: {
      const text = literalText(node);
      return text === null ? '…' : `'${text.replaceAll("'", "''")}'`;
    }
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The value of a DEFAULT clause. */
function defaultFromAst(node: unknown): ColumnDefault | null {
  if (!isObject(node)) return null;
  if (node.parentheses === true) return { kind: 'expression', value: `(${exprText(node)})` };
  const text = literalText(node);
  if (text !== null) return { kind: 'string', value: text };
  switch (node.type) {
    case 'null':
      return { kind: 'null', value: 'NULL' };
    case 'bool':
      return { kind: 'bool', value: node.value ? 'TRUE' : 'FALSE' };
    case 'number':
      // Integers beyond 2^53 lose digits in the parser (as JS numbers); do not judge them.
      if (typeof node.value === 'number' && Number.isInteger(node.value) && !Number.isSafeInteger(node.value)) {
        return { kind: 'expression', value: String(node.value) };
      }
      return { kind: 'number', value: String(node.value) };
    case 'bigint':
      return { kind: 'number', value: String(node.value) };
    case 'bit_string':
      return { kind: 'bit', value: String(node.value) };
    case 'hex_string':
    case 'full_hex_string':
      return { kind: 'hex', value: String(node.value) };
    case 'function': {
      const args = functionArgs(node);
      const precision =
        args.length === 1 && isObject(args[0]) && args[0].type === 'number' ? String(args[0].value) : null;
      const now = normaliseCurrentTimestamp(functionName(node), precision);
      return now ? { kind: 'current-timestamp', value: now } : { kind: 'expression', value: exprText(node) };
    }
    case 'column_ref': {
      const name = refName(node) ?? '';
      if (NUMBER.test(name)) return { kind: 'number', value: name };
      const now = normaliseCurrentTimestamp(name, null);
      return now ? { kind: 'current-timestamp', value: now } : { kind: 'expression', value: name };
    }
    default:
      return { kind: 'expression', value: exprText(node) };
  }
}

/** `ON UPDATE CURRENT_TIMESTAMP` hangs off the default (`over`), or off `reference_definition` without one. */
function onUpdateFromAst(def: Node): string | null {
  const dflt = isObject(def.default_val) ? def.default_val.value : null;
  if (isObject(dflt) && isObject(dflt.over) && String(dflt.over.type).replace(' ', '') === 'onupdate') {
    const args = isObject(dflt.over.expr) && Array.isArray(dflt.over.expr.value) ? dflt.over.expr.value : [];
    const precision = args.length === 1 && isObject(args[0]) ? String(args[0].value) : null;
    return normaliseCurrentTimestamp(String(dflt.over.keyword ?? ''), precision);
  }
  const actions =
    isObject(def.reference_definition) && Array.isArray(def.reference_definition.on_action)
      ? def.reference_definition.on_action
      : [];
  for (const action of actions) {
    if (isObject(action) && action.type === 'on update' && isObject(action.value)) {
      const value = action.value;
      if (value.type === 'function') {
        const args = functionArgs(value);
        return normaliseCurrentTimestamp(
          functionName(value),
          args.length === 1 && isObject(args[0]) ? String(args[0].value) : null,
        );
      }
      return normaliseCurrentTimestamp(String(value.value ?? ''), null);
    }
  }
  return null;
}

/** A column definition node (CREATE TABLE element, or an ALTER ADD/MODIFY/CHANGE item). */
function columnFromAst(def: Node): { column: ColumnDef; indexes: IndexDef[] } | null {
  const name = refName(def.column);
  const definition = def.definition;
  if (name === null || !isObject(definition) || typeof definition.dataType !== 'string') return null;
  const alias = resolveType(definition.dataType);
  const col = newColumn(name, alias.base);
  const indexes: IndexDef[] = [];
  if (typeof definition.length === 'number') col.length = definition.length;
  else if (alias.length !== undefined) col.length = alias.length;
  if (typeof definition.scale === 'number') col.scale = definition.scale;
  if (isObject(definition.expr) && Array.isArray(definition.expr.value)) {
    col.values = definition.expr.value.map((v) => literalText(v) ?? exprText(v));
  }
  const suffix = Array.isArray(definition.suffix) ? definition.suffix.map((s) => String(s).toUpperCase()) : [];
  col.zerofill = suffix.includes('ZEROFILL');
  col.unsigned = Boolean(alias.unsigned) || col.zerofill || suffix.includes('UNSIGNED');
  if (alias.national) col.charset = 'utf8mb3';
  if (isObject(def.nullable) && def.nullable.type === 'not null') col.nullable = false;
  if (isObject(def.default_val)) col.default = defaultFromAst(def.default_val.value);
  col.onUpdate = onUpdateFromAst(def);
  col.autoIncrement = Boolean(def.auto_increment);
  if (isObject(def.comment)) col.comment = literalText(def.comment.value);
  if (isObject(def.character_set)) col.charset = optionValue(def.character_set.value)?.toLowerCase() ?? col.charset;
  if (isObject(def.collate) && isObject(def.collate.collate))
    col.collation = str(def.collate.collate.name)?.toLowerCase() ?? null;
  col.generated = isObject(def.generated);
  if (isObject(def.suffix)) {
    const keyword = String(def.suffix.keyword ?? '').toUpperCase();
    const after = refName(def.suffix.expr);
    if (keyword === 'FIRST') col.position = { kind: 'first' };
    else if (keyword === 'AFTER' && after !== null) col.position = { kind: 'after', column: after };
  }
  if (def.primary_key) {
    col.nullable = false;
    indexes.push(inlineIndex('primary', name));
  }
  if (def.unique) indexes.push(inlineIndex('unique', name));
  const ref = def.reference_definition;
  if (isObject(ref) && Array.isArray(ref.table)) {
    const table = tableRef(ref.table);
    const columns = Array.isArray(ref.definition)
      ? ref.definition.map(refName).filter((n): n is string => n !== null)
      : [];
    if (table) indexes.push(inlineIndex('foreign', name, { table, columns }));
  }
  return { column: col, indexes };
}

/** Key parts: `col`, `col(10)` (a `suffix` on the column, or a function call in CREATE INDEX), or an expression. */
function keyParts(list: unknown): IndexColumn[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((part) => {
    if (part.type === 'column_ref') {
      const prefix = /^\((\d+)\)$/.exec(String(part.suffix ?? ''));
      return { name: refName(part) ?? '', prefixLength: prefix ? Number(prefix[1]) : null, expression: false };
    }
    const args = part.type === 'function' ? functionArgs(part) : [];
    if (
      part.type === 'function' &&
      part.parentheses !== true &&
      args.length === 1 &&
      isObject(args[0]) &&
      args[0].type === 'number'
    ) {
      return { name: functionName(part), prefixLength: Number(args[0].value), expression: false };
    }
    return { name: '', prefixLength: null, expression: true };
  });
}

/** A key or constraint node; null for CHECK constraints. */
function indexFromAst(def: Node): IndexDef | null {
  if (def.resource === 'index') {
    const keyword = String(def.keyword ?? '').toLowerCase();
    const kind = keyword.startsWith('fulltext') ? 'fulltext' : keyword.startsWith('spatial') ? 'spatial' : 'index';
    return {
      name: str(def.index),
      kind,
      columns: keyParts(def.definition),
      inline: false,
      constraint: null,
      references: null,
    };
  }
  if (def.resource !== 'constraint') return null;
  const type = String(def.constraint_type ?? '').toLowerCase();
  const constraint = str(def.constraint);
  const columns = keyParts(def.definition);
  if (type.startsWith('primary'))
    return { name: 'PRIMARY', kind: 'primary', columns, inline: false, constraint, references: null };
  if (type.startsWith('unique'))
    return { name: str(def.index) ?? constraint, kind: 'unique', columns, inline: false, constraint, references: null };
  if (type === 'foreign key') {
    const ref = isObject(def.reference_definition) ? def.reference_definition : {};
    const table = tableRef(ref.table);
    const refColumns = Array.isArray(ref.definition)
      ? ref.definition.map(refName).filter((n): n is string => n !== null)
      : [];
    return {
      name: constraint ?? str(def.index),
      kind: 'foreign',
      columns,
      inline: false,
      constraint,
      references: table ? { table, columns: refColumns } : null,
    };
  }
  return null;
}

function tableOptionsFromAst(list: unknown): Partial<TableOptions> {
  const options: Partial<TableOptions> = {};
  if (!Array.isArray(list)) return options;
  for (const item of list) {
    if (isObject(item)) setOption(options, String(item.keyword ?? ''), item.value);
  }
  return options;
}

/** One table option by its keyword (`engine`, `default charset`, `comment`, …). */
function setOption(options: Partial<TableOptions>, keyword: string, value: unknown): boolean {
  const key = keyword
    .toLowerCase()
    .replace(/^default /, '')
    .replace(/\s+/g, ' ');
  const text = optionValue(value);
  if (text === null) return false;
  if (key === 'engine') options.engine = normaliseEngine(text);
  else if (key === 'charset' || key === 'character set' || key === 'defaultcharset')
    options.charset = text.toLowerCase();
  else if (key === 'collate') options.collation = text.toLowerCase();
  else if (key === 'comment') options.comment = /^['"]/.test(text) ? unquote(text) : text;
  else if (key === 'auto_increment') options.autoIncrement = Number(text);
  else if (key === 'row_format') options.rowFormat = text.toUpperCase();
  else return false;
  return true;
}

function createTable(ast: Node): TableDdl {
  const ddl = blank('create-table', tableRef(ast.table));
  ddl.temporary = Boolean(ast.temporary);
  ddl.ifNotExists = Boolean(ast.if_not_exists);
  ddl.copy = ast.like ? 'like' : ast.query_expr ? 'select' : null;
  const definitions = Array.isArray(ast.create_definitions) ? ast.create_definitions.filter(isObject) : [];
  for (const def of definitions) {
    if (def.resource === 'column') {
      const read = columnFromAst(def);
      if (!read) continue;
      ddl.columns.push(read.column);
      ddl.indexes.push(...read.indexes);
    } else {
      const index = indexFromAst(def);
      if (index) ddl.indexes.push(index);
    }
  }
  Object.assign(ddl.options, tableOptionsFromAst(ast.table_options));
  return finishDdl(ddl);
}

function createIndex(ast: Node): TableDdl {
  const ddl = blank('create-index', tableRef(ast.table));
  const type = String(ast.index_type ?? '').toLowerCase();
  const kind =
    type === 'unique' ? 'unique' : type === 'fulltext' ? 'fulltext' : type === 'spatial' ? 'spatial' : 'index';
  const index: IndexDef = {
    name: str(ast.index),
    kind,
    columns: keyParts(ast.index_columns),
    inline: false,
    constraint: null,
    references: null,
  };
  ddl.actions.push({ type: 'add-index', index });
  if (isObject(ast.algorithm_option))
    ddl.actions.push({ type: 'algorithm', value: String(ast.algorithm_option.algorithm ?? '').toUpperCase() });
  if (isObject(ast.lock_option))
    ddl.actions.push({ type: 'lock', value: String(ast.lock_option.lock ?? '').toUpperCase() });
  return finishDdl(ddl);
}

function alterTable(ast: Node): TableDdl {
  const ddl = blank('alter-table', tableRef(ast.table));
  const items = Array.isArray(ast.expr) ? ast.expr.filter(isObject) : [];
  for (const item of items) ddl.actions.push(...alterActions(item));
  return finishDdl(ddl);
}

function alterActions(item: Node): AlterAction[] {
  const action = str(item.action);
  const resource = String(item.resource ?? '');
  if (resource === 'column' && (action === 'add' || action === 'modify' || action === 'change')) {
    const read = columnFromAst(item);
    const from = refName(item.old_column);
    if (!read) return [{ type: 'other', text: `${action} column` }];
    const head: AlterAction =
      action === 'add'
        ? { type: 'add-column', column: read.column }
        : action === 'change' && from !== null
          ? { type: 'change-column', from, column: read.column }
          : { type: 'modify-column', column: read.column };
    return [head, ...read.indexes.map((index): AlterAction => ({ type: 'add-index', index }))];
  }
  if (action === 'add') {
    const def = resource === 'constraint' && isObject(item.create_definitions) ? item.create_definitions : item;
    const index = indexFromAst(def);
    return index ? [{ type: 'add-index', index }] : [{ type: 'other', text: `add ${resource}` }];
  }
  if (action === 'drop') return [dropAction(item, resource)];
  if (action === 'rename') {
    const to = str(item.table);
    if (resource === 'table' && to !== null) return [{ type: 'rename-table', to: { db: null, table: to } }];
    const from = refName(item.old_column);
    const column = refName(item.column);
    if (resource === 'column' && from !== null && column !== null) return [{ type: 'rename-column', from, to: column }];
    return [{ type: 'other', text: 'rename' }];
  }
  if (resource === 'algorithm') return [{ type: 'algorithm', value: String(item.algorithm ?? '').toUpperCase() }];
  if (resource === 'lock') return [{ type: 'lock', value: String(item.lock ?? '').toUpperCase() }];
  const options: Partial<TableOptions> = {};
  if (setOption(options, resource, item[resource])) return [{ type: 'table-options', options }];
  return [{ type: 'other', text: String(item.keyword ?? resource) }];
}

function dropAction(item: Node, resource: string): AlterAction {
  const keyword = String(item.keyword ?? '').toLowerCase();
  if (resource === 'column') {
    const name = refName(item.column);
    if (name !== null) return { type: 'drop-column', name };
  }
  if (resource === 'index' && typeof item.index === 'string') return { type: 'drop-index', name: item.index };
  if (resource === 'key') {
    if (keyword.startsWith('primary')) return { type: 'drop-primary-key' };
    const name = str(item.key);
    if (name && keyword.startsWith('foreign')) return { type: 'drop-foreign-key', name };
    if (name) return { type: 'drop-index', name };
  }
  return { type: 'other', text: `drop ${keyword || resource}` };
}
