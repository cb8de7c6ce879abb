import type { ColumnDef } from './model.js';
import { hasOwnEntry, own } from '../../own.js';

/** What a type name as written stands for: its base type and the attributes it implies. */
export interface TypeAlias {
  base: string;
  length?: number;
  unsigned?: boolean;
  /** SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE. */
  serial?: boolean;
  /** NATIONAL CHAR/VARCHAR: the utf8mb3 character set. */
  national?: boolean;
}

const ALIASES: Readonly<Record<string, TypeAlias>> = {
  INTEGER: { base: 'int' },
  INT1: { base: 'tinyint' },
  INT2: { base: 'smallint' },
  INT3: { base: 'mediumint' },
  INT4: { base: 'int' },
  INT8: { base: 'bigint' },
  MIDDLEINT: { base: 'mediumint' },
  BOOL: { base: 'tinyint', length: 1 },
  BOOLEAN: { base: 'tinyint', length: 1 },
  SERIAL: { base: 'bigint', unsigned: true, serial: true },
  DEC: { base: 'decimal' },
  NUMERIC: { base: 'decimal' },
  FIXED: { base: 'decimal' },
  REAL: { base: 'double' },
  'DOUBLE PRECISION': { base: 'double' },
  FLOAT8: { base: 'double' },
  FLOAT4: { base: 'float' },
  CHARACTER: { base: 'char' },
  'CHARACTER VARYING': { base: 'varchar' },
  'CHAR VARYING': { base: 'varchar' },
  VARCHARACTER: { base: 'varchar' },
  NCHAR: { base: 'char', national: true },
  'NATIONAL CHAR': { base: 'char', national: true },
  'NATIONAL CHARACTER': { base: 'char', national: true },
  NVARCHAR: { base: 'varchar', national: true },
  'NATIONAL VARCHAR': { base: 'varchar', national: true },
  'NCHAR VARCHAR': { base: 'varchar', national: true },
  'NCHAR VARYING': { base: 'varchar', national: true },
  'NATIONAL CHAR VARYING': { base: 'varchar', national: true },
  'NATIONAL CHARACTER VARYING': { base: 'varchar', national: true },
  LONG: { base: 'mediumtext' },
  'LONG VARCHAR': { base: 'mediumtext' },
  'LONG VARBINARY': { base: 'mediumblob' },
};

export const INTEGER_TYPES: ReadonlySet<string> = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);
export const FLOAT_TYPES: ReadonlySet<string> = new Set(['float', 'double']);
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([...INTEGER_TYPES, ...FLOAT_TYPES, 'decimal', 'bit']);
export const TEXT_TYPES: ReadonlySet<string> = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);
export const BLOB_TYPES: ReadonlySet<string> = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);
export const SPATIAL_TYPES: ReadonlySet<string> = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);
export const TEMPORAL_TYPES: ReadonlySet<string> = new Set(['date', 'time', 'datetime', 'timestamp', 'year']);
export const CHAR_TYPES: ReadonlySet<string> = new Set(['char', 'varchar']);

/** Base types the readers know; anything else is kept lower-cased as written. */
const BASE_TYPES: ReadonlySet<string> = new Set([
  ...NUMERIC_TYPES,
  ...TEXT_TYPES,
  ...BLOB_TYPES,
  ...SPATIAL_TYPES,
  ...TEMPORAL_TYPES,
  ...CHAR_TYPES,
  'binary',
  'varbinary',
  'enum',
  'set',
  'json',
  'uuid',
  'inet4',
  'inet6',
  'vector',
]);

/** Type names of more than one word, longest first, as upper-case word lists. */
export const MULTIWORD_TYPES: readonly string[][] = Object.keys(ALIASES)
  .filter((k) => k.includes(' '))
  .map((k) => k.split(' '))
  .sort((a, b) => b.length - a.length);

/** Resolve a type name as written (`INTEGER`, `DOUBLE PRECISION`, `BOOL`, `varchar`) to its base type. */
export function resolveType(written: string): TypeAlias {
  const key = written.trim().toUpperCase().replace(/\s+/g, ' ');
  const alias = own(ALIASES, key);
  if (alias) return alias;
  return { base: key.toLowerCase() };
}

export function isKnownType(written: string): boolean {
  const key = written.trim().toUpperCase().replace(/\s+/g, ' ');
  return hasOwnEntry(ALIASES, key) || BASE_TYPES.has(key.toLowerCase());
}

export function isIntegerType(dataType: string): boolean {
  return INTEGER_TYPES.has(dataType);
}

/** BLOB and TEXT types: stored off-page, indexable only by a prefix. */
export function isLobType(dataType: string): boolean {
  return TEXT_TYPES.has(dataType) || BLOB_TYPES.has(dataType);
}

/** Types that MySQL does not let take a literal DEFAULT: BLOB, TEXT, JSON, GEOMETRY. */
export function isNoLiteralDefaultType(dataType: string): boolean {
  return isLobType(dataType) || dataType === 'json' || SPATIAL_TYPES.has(dataType);
}

/** Range of an integer type, as bigints. */
export function integerRange(dataType: string, unsigned: boolean): [bigint, bigint] | null {
  const bits = { tinyint: 8n, smallint: 16n, mediumint: 24n, int: 32n, bigint: 64n }[dataType];
  if (bits === undefined) return null;
  if (unsigned) return [0n, (1n << bits) - 1n];
  return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** The column's type as SHOW CREATE TABLE would write it: `varchar(64)`, `int unsigned`, `enum('a','b')`. */
export function formatColumnType(
  col: Pick<ColumnDef, 'dataType' | 'length' | 'scale' | 'values' | 'unsigned' | 'zerofill'>,
  keywords: 'lower' | 'upper' = 'lower',
): string {
  const kw = (word: string): string => (keywords === 'upper' ? word.toUpperCase() : word);
  let text = kw(col.dataType);
  if (col.values) text += `(${col.values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')})`;
  else if (col.length !== null) text += col.scale !== null ? `(${col.length},${col.scale})` : `(${col.length})`;
  if (col.unsigned) text += kw(' unsigned');
  if (col.zerofill) text += kw(' zerofill');
  return text;
}

/** Charset a collation belongs to: the part before the first `_` (utf8mb4_bin → utf8mb4). */
export function charsetOfCollation(collation: string): string {
  const i = collation.indexOf('_');
  return (i > 0 ? collation.slice(0, i) : collation).toLowerCase();
}

const CURRENT_TIMESTAMP_NAMES: ReadonlySet<string> = new Set([
  'CURRENT_TIMESTAMP',
  'NOW',
  'LOCALTIME',
  'LOCALTIMESTAMP',
]);

/** `NOW()`, `LOCALTIME`, `current_timestamp(3)` → `CURRENT_TIMESTAMP` / `CURRENT_TIMESTAMP(3)`; null for other functions. */
export function normaliseCurrentTimestamp(name: string, precision: string | null): string | null {
  if (!CURRENT_TIMESTAMP_NAMES.has(name.toUpperCase())) return null;
  return precision ? `CURRENT_TIMESTAMP(${precision})` : 'CURRENT_TIMESTAMP';
}

const ENGINE_SPELLING: Readonly<Record<string, string>> = {
  innodb: 'InnoDB',
  myisam: 'MyISAM',
  memory: 'MEMORY',
  heap: 'MEMORY',
  aria: 'Aria',
  rocksdb: 'RocksDB',
  csv: 'CSV',
  archive: 'ARCHIVE',
  blackhole: 'BLACKHOLE',
  federated: 'FEDERATED',
  federatedx: 'FEDERATED',
  mrg_myisam: 'MRG_MyISAM',
  merge: 'MRG_MyISAM',
  tokudb: 'TokuDB',
  spider: 'SPIDER',
  connect: 'CONNECT',
  sequence: 'SEQUENCE',
  columnstore: 'Columnstore',
  ndb: 'ndbcluster',
  ndbcluster: 'ndbcluster',
  s3: 'S3',
};

/** An engine name spelled as the server reports it (`INNODB` → `InnoDB`). */
export function normaliseEngine(engine: string): string {
  return own(ENGINE_SPELLING, engine.toLowerCase()) ?? engine;
}
