import { classify } from '../review/classify.js';
import { words, type Word } from '../review/explain/rewrite.js';
import { rewriteShards, shardNames, shardSets, type ShardConfig } from '../review/shards.js';
import { logNumber } from './shard-plan.js';
import { splitStatements } from '../review/split.js';
import { stripComments, tokens, type Token } from '../review/strip.js';
import type { StatementKind } from '../review/types.js';
import type { TableName } from './names.js';

/** One statement of a ticket as the executor sees it. */
export interface ExecStatement {
  /** 1-based position in the ticket. */
  number: number;
  /**
   * What the execution log records it under and its backup table is named by: `number`, or for a
   * statement run on one shard of a sharded ticket, a number of its own (see `logNumber`).
   */
  logNumber: number;
  /** As written (what runs); on a shard, with the sharded names replaced by that shard's tables. */
  text: string;
  /** Without comments, whitespace collapsed (what is analysed). */
  stripped: string;
  kind: StatementKind;
  /** Set when the statement names a sharded table and is not run on one shard (the ticket's plan says). */
  sharded?: string;
}

/**
 * Split a ticket's SQL the way the review did (same splitter, same DELIMITER handling). With `shard`,
 * the statements of that shard: every sharded name is replaced by its `shard`-th table (the plan in
 * shard-plan.ts has checked that the sets pair up).
 */
export function executableStatements(sql: string, shards: ShardConfig = {}, shard?: number): ExecStatement[] {
  const sets = shardSets(shards);
  const splits = splitStatements(sql);
  return splits.map((split, index) => {
    const names = shardNames(split.text, sets);
    const text = shard !== undefined && names.length > 0 ? rewriteShards(split.text, names, shard) : split.text;
    const stripped = stripComments(text);
    return {
      number: index + 1,
      logNumber: logNumber(index + 1, shard, splits.length),
      text,
      stripped,
      kind: classify(stripped),
      ...(names.length > 0 && shard === undefined ? { sharded: names[0].pattern } : {}),
    };
  });
}

/** A single-table UPDATE or DELETE, taken apart to select the rows it will change. */
export interface DmlShape {
  verb: 'update' | 'delete';
  table: TableName;
  /** `WITH …` before the verb, kept in front of the backup's SELECT. */
  prefix: string;
  /** The table reference as written (`orders o`), the backup's FROM. */
  from: string;
  /** `WHERE … ORDER BY … LIMIT …` as written. */
  tail: string;
  /** UPDATE: the columns its SET assigns (null when the SET clause could not be read). */
  setColumns: string[] | null;
}

/** An INSERT, for recording the keys it creates. */
export interface InsertShape {
  verb: 'insert';
  table: TableName;
  /** Columns named in `(a, b)` or `SET a = …`; null when it names none (all columns). */
  columns: string[] | null;
  /** `INSERT … SELECT` (or TABLE): the row count is not known in advance. */
  fromSelect: boolean;
  returning: boolean;
  /** INSERT IGNORE: skipped rows leave gaps in AUTO_INCREMENT values. */
  ignore: boolean;
}

/** Why a change cannot be backed up exactly (then a DBA must have approved it knowingly). */
export type NotExact = { exact: false; reason: string };

const NON_DETERMINISTIC =
  /\b(RAND|UUID|UUID_SHORT|SYSDATE|CONNECTION_ID|LAST_INSERT_ID|FOUND_ROWS|ROW_COUNT|GET_LOCK|RELEASE_LOCK|NEXTVAL|LASTVAL|RANDOM_BYTES)\s*\(/i;
const TAIL = new Set(['WHERE', 'ORDER', 'LIMIT']);
const UPDATE_MODIFIERS = new Set(['LOW_PRIORITY', 'IGNORE']);
const DELETE_MODIFIERS = new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']);

/** Read a single-table UPDATE/DELETE; anything else gets the reason it cannot be backed up exactly. */
export function dmlShape(stripped: string, defaultSchema: string | null): DmlShape | NotExact {
  const top = [...words(stripped)].filter((w) => w.depth === 0);
  const verbAt = top.findIndex((w) => w.upper === 'UPDATE' || w.upper === 'DELETE');
  if (verbAt < 0 || (verbAt > 0 && top[0].upper !== 'WITH')) return notExact('it is not a plain UPDATE or DELETE');
  const verb = top[verbAt];
  const rest = top.slice(verbAt + 1);
  const returning = rest.find((w) => w.upper === 'RETURNING');
  const end = returning ? returning.start : stripped.length;
  let refsStart: number;
  let refsEnd: number;
  let tailAt: Word | undefined;
  let setClause: string | null = null;
  if (verb.upper === 'UPDATE') {
    const set = rest.find((w) => w.upper === 'SET');
    if (!set) return notExact('its SET clause could not be found');
    // Words only: a quoted table name is not one, so skip the modifiers and take what follows them.
    refsStart = verb.end;
    for (const w of rest) {
      if (w.start >= set.start || !UPDATE_MODIFIERS.has(w.upper)) break;
      refsStart = w.end;
    }
    refsEnd = set.start;
    tailAt = rest.find((w) => w.start > set.start && w.start < end && TAIL.has(w.upper));
    setClause = stripped.slice(set.end, tailAt ? tailAt.start : end);
  } else {
    const from = rest.find((w) => w.upper === 'FROM');
    if (!from) return notExact('its FROM could not be found');
    const between = rest.filter((w) => w.start < from.start);
    if (between.some((w) => !DELETE_MODIFIERS.has(w.upper)) || /[^\s\w]/.test(stripped.slice(verb.end, from.start))) {
      return notExact('it deletes through several tables');
    }
    if (rest.some((w) => w.upper === 'USING' && w.start > from.start && !/^\s*\(/.test(stripped.slice(w.end))))
      return notExact('it deletes through several tables');
    refsStart = from.end;
    tailAt = rest.find((w) => w.start > from.start && w.start < end && TAIL.has(w.upper));
    refsEnd = tailAt ? tailAt.start : end;
  }
  const tail = tailAt ? stripped.slice(tailAt.start, end).trim() : '';
  const from = stripped.slice(refsStart, refsEnd).trim();
  const table = singleTable(from, defaultSchema);
  if ('exact' in table) return table;
  const tailTop = tailAt ? rest.filter((w) => w.start >= (tailAt?.start ?? end) && w.start < end) : [];
  const hasLimit = tailTop.some((w) => w.upper === 'LIMIT');
  const hasOrder = tailTop.some((w) => w.upper === 'ORDER');
  if (hasLimit && !hasOrder)
    return notExact(
      'LIMIT without ORDER BY picks rows in no fixed order, so the rows backed up may not be the rows changed',
    );
  const nd = NON_DETERMINISTIC.exec(tail);
  if (nd) return notExact(`its WHERE calls ${nd[1].toUpperCase()}(), which gives a different answer each time`);
  return {
    verb: verb.upper === 'UPDATE' ? 'update' : 'delete',
    table,
    prefix: stripped.slice(0, verb.start).trim(),
    from,
    tail,
    setColumns: setClause === null ? null : assignedColumns(setClause),
  };
}

/** `db.t alias`, `t AS a`, `` `db`.`t` ``: one table, or why not. */
export function singleTable(refs: string, defaultSchema: string | null): TableName | NotExact {
  const list = [...tokens(refs)];
  const parts: string[] = [];
  let i = 0;
  if (!isName(list[i])) return notExact('its table could not be read');
  parts.push(unquote(list[i++].text));
  if (list[i]?.text === '.' && isName(list[i + 1])) {
    parts.push(unquote(list[i + 1].text));
    i += 2;
  }
  if (list[i]?.type === 'word' && list[i].text.toUpperCase() === 'AS') i++;
  if (isName(list[i]) && !RESERVED_AFTER_TABLE.has(list[i].text.toUpperCase())) i++;
  if (i < list.length) {
    const next = list[i].text.toUpperCase();
    if (next === ',' || next === 'JOIN' || next === 'STRAIGHT_JOIN' || RESERVED_AFTER_TABLE.has(next) || next === '(')
      return notExact('it changes rows through several tables');
    return notExact(`its table reference \`${refs.slice(0, 60)}\` could not be read`);
  }
  const [first, second] = parts;
  if (second !== undefined) return { schema: first, name: second };
  if (!defaultSchema) return notExact('its table has no schema and the ticket names none');
  return { schema: defaultSchema, name: first };
}

const RESERVED_AFTER_TABLE = new Set([
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'CROSS',
  'NATURAL',
  'STRAIGHT_JOIN',
  'PARTITION',
  'USE',
  'FORCE',
  'IGNORE',
  'SET',
  'WHERE',
]);

/** The columns `a = 1, t.b = 2` assigns; null when an assignment could not be read. */
export function assignedColumns(setClause: string): string[] | null {
  const columns: string[] = [];
  let current: Token[] = [];
  const flush = (): boolean => {
    const eq = current.findIndex((t) => t.depth === 0 && t.text === '=');
    if (eq <= 0) return false;
    const target = current.slice(0, eq).filter((t) => t.text !== '.');
    const last = target[target.length - 1];
    if (!isName(last)) return false;
    columns.push(unquote(last.text));
    current = [];
    return true;
  };
  for (const token of tokens(setClause)) {
    if (token.depth === 0 && token.text === ',') {
      if (!flush()) return null;
      continue;
    }
    current.push(token);
  }
  if (current.length > 0 && !flush()) return null;
  return columns;
}

const INSERT_MODIFIERS = new Set(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO']);

/** Read an INSERT (not REPLACE, not `ON DUPLICATE KEY UPDATE`, which change existing rows). */
export function insertShape(stripped: string, defaultSchema: string | null): InsertShape | NotExact {
  const list = [...tokens(stripped)];
  if (list[0]?.text.toUpperCase() !== 'INSERT') return notExact('it is not a plain INSERT');
  const top = list.filter((t) => t.depth === 0 && t.type === 'word').map((t) => t.text.toUpperCase());
  for (let k = 0; k + 2 < top.length; k++) {
    if (top[k] === 'ON' && top[k + 1] === 'DUPLICATE')
      return notExact('ON DUPLICATE KEY UPDATE may change existing rows, whose before-images are not saved');
  }
  let i = 1;
  while (list[i]?.type === 'word' && INSERT_MODIFIERS.has(list[i].text.toUpperCase())) i++;
  const start = i;
  while (
    i < list.length &&
    (isName(list[i]) || list[i].text === '.') &&
    !['VALUES', 'VALUE', 'SELECT', 'SET', 'TABLE', 'WITH', 'PARTITION'].includes(list[i].text.toUpperCase())
  )
    i++;
  const table = singleTable(
    list
      .slice(start, i)
      .map((t) => t.text)
      .join(''),
    defaultSchema,
  );
  if ('exact' in table) return table;
  let columns: string[] | null = null;
  const opensList = list[i]?.text === '(' && !['SELECT', 'WITH'].includes(list[i + 1]?.text.toUpperCase() ?? '');
  if (opensList) {
    const names: string[] = [];
    let j = i + 1;
    for (; j < list.length && !(list[j].text === ')' && list[j].depth === 0); j++) {
      if (isName(list[j])) names.push(unquote(list[j].text));
    }
    columns = names;
    i = j + 1;
  }
  const next = list[i]?.text.toUpperCase();
  if (next === 'SET')
    columns =
      assignedColumns(
        list
          .slice(i + 1)
          .map((t) => t.text)
          .join(' '),
      ) ?? null;
  return {
    verb: 'insert',
    table,
    columns,
    fromSelect: next === 'SELECT' || next === 'WITH' || next === 'TABLE' || next === '(',
    returning: top.includes('RETURNING'),
    ignore: list.slice(1, start).some((t) => t.text.toUpperCase() === 'IGNORE'),
  };
}

function isName(token: Token | undefined): token is Token {
  return (
    token !== undefined &&
    ((token.type === 'word' && !/^\d+$/.test(token.text)) || (token.type === 'quoted' && token.text.startsWith('`')))
  );
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

function notExact(reason: string): NotExact {
  return { exact: false, reason };
}
