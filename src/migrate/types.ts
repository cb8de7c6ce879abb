import type { ColumnInfo } from './catalog.js';
import type { StagingDdl } from './ddl.js';
import type { KeyColumn } from './sql.js';
import { NO_THROTTLE, type ThrottleLimits } from './throttle.js';

export const MIGRATE_MODES = ['replace', 'append', 'fail'] as const;
export type MigrateMode = (typeof MIGRATE_MODES)[number];

export const STORED_OBJECT_KINDS = ['views', 'triggers', 'routines'] as const;
export type StoredObjectKind = (typeof STORED_OBJECT_KINDS)[number];

export const COPY_METHODS = ['auto', 'load-data', 'insert'] as const;
export type CopyMethod = (typeof COPY_METHODS)[number];

export interface SchemaRef {
  cluster: string;
  schema: string;
}

/** What to copy; the payload of a migrate ticket carries the same fields. */
export interface MigrateSpec {
  source: SchemaRef;
  destination: SchemaRef;
  /** Base tables to copy; empty = every base table of the source schema. */
  tables: string[];
  /** A condition every copied row meets (`created_at >= '2025-01-01'`), applied to each table; null = all rows. */
  where: string | null;
  /**
   * `replace`: the tables are rebuilt under staging names and swapped in at the end (one atomic RENAME);
   * `append`: rows are added to the existing tables in one transaction at the end;
   * `fail`: the tables must not exist in the destination.
   */
  mode: MigrateMode;
  /** Views, triggers and routines of the source schema to recreate as well. */
  objects: StoredObjectKind[];
}

export interface CopySettings {
  /** Copy streams at once: chunks of one table or of several (destination connections); `auto`: the destination's cores (see `autoStreams`). */
  parallel: number | 'auto';
  /** Rows per chunk (fewer for wide rows: see chunkBytes). */
  chunkRows: number;
  /** Target size of a chunk; rows per chunk shrink so a chunk of wide rows stays near it. */
  chunkBytes: number;
  /** `auto`: LOAD DATA LOCAL when the destination allows it (measured faster), else INSERT. */
  method: CopyMethod;
  /** Build secondary keys after loading instead of row by row. */
  deferKeys: boolean;
  /** Pause between chunks while the source is over these limits. */
  throttle: ThrottleLimits;
}

export const DEFAULT_COPY_SETTINGS: CopySettings = {
  parallel: 2,
  chunkRows: 50_000,
  chunkBytes: 16 * 1024 * 1024,
  method: 'auto',
  deferKeys: true,
  throttle: NO_THROTTLE,
};

export type ColumnPlan = Pick<
  ColumnInfo,
  'name' | 'dataType' | 'columnType' | 'nullable' | 'generated' | 'charset' | 'collation'
>;

/** One table of a migration, as planned (JSON: it is journaled and read back by a resumed run). */
export interface TablePlan {
  name: string;
  /** Where rows are loaded: `__dbops_<run>_n_<name>`. */
  staging: string;
  /** What the replaced table is renamed to during the swap, then dropped. */
  old: string;
  /** The columns copied (generated ones left out), in table order. */
  columns: ColumnPlan[];
  /** The key chunks are cut on; null = copied as one chunk. */
  key: { index: string; columns: KeyColumn[] } | null;
  chunkRows: number;
  ddl: StagingDdl;
  /** Column signature of the source table; a leftover staging table is reused only if it matches. */
  signature: string;
  estimate: { rows: number; bytes: number };
  /** The table exists in the destination (replace: it is swapped out; append: rows are added to it). */
  existsInDestination: boolean;
}

export interface MigrationPlan {
  runId: string;
  spec: MigrateSpec;
  tables: TablePlan[];
  /** The destination schema was missing when planned: the run creates it (with these defaults) and, on a cancel or failure before the swap, drops it again. */
  createsSchema: { charset: string; collation: string } | null;
  /**
   * Foreign keys of tables outside the copy that point at a replaced table. A RENAME carries them
   * along to the replaced table (then dropped), so the swap drops them first and adds them back to
   * point at the new table, with foreign-key checks off (rows are not checked against it).
   */
  outsideKeys: Array<{ schema: string; table: string; constraint: string; references: string; definition: string }>;
}

export interface TableResult {
  name: string;
  rows: number;
  bytes: number;
  chunks: number;
  /** Chunks found already copied (a resumed run) and verified without copying again. */
  reused: number;
  seconds: number;
}

export interface BinlogPosition {
  file: string;
  position: number;
  /** MySQL with GTIDs on: the executed GTID set at that position. */
  gtid?: string;
}

export interface MigrationResult {
  tables: TableResult[];
  rows: number;
  bytes: number;
  seconds: number;
  method: Exclude<CopyMethod, 'auto'>;
  /** The source's binlog coordinates at the snapshot (binlog on; MySQL's read just after the snapshot opened), else null. */
  binlog: BinlogPosition | null;
  objects: { created: string[]; skipped: string[] };
  /** The destination schema did not exist and this run created it. */
  createdSchema: boolean;
  /**
   * Where the time went, in ms: each step's wall time (`plan`, `schema`, `copy`, `swap` or
   * `append`, `objects`), and inside the copy the streams' summed time loading rows, verifying
   * chunks (COUNT + checksum + COMMIT) and building deferred keys (`copy.load`, `copy.verify`, `copy.keys`).
   */
  timings: Record<string, number>;
}

export interface MigrationProgress {
  tablesDone: number;
  tables: number;
  rows: number;
  /** Estimated rows in all (information_schema; EXPLAIN with a `where`). */
  estimatedRows: number;
  bytes: number;
  elapsedMs: number;
  phase: 'plan' | 'copy' | 'swap' | 'objects' | 'done';
  /** Why the copy is paused (the throttle), when it is. */
  paused?: string;
}
