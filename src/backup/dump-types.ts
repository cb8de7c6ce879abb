import type { ManifestFile } from './manifest.js';
import type { CreateFile } from './set-files.js';

export interface DumpInput {
  /** The set's directory (exists, empty). */
  dir: string;
  schemas: string[];
  defaultsFile: string;
  /** The source writes a binlog: record the position of the snapshot. */
  binlog: boolean;
  /** Some schema has stored procedures or functions / events: dump them too (triggers always are). */
  routines: boolean;
  events: boolean;
  threads: number;
  signal: AbortSignal;
  createFile: CreateFile;
}

export interface DumpOutput {
  files: ManifestFile[];
  /** Rows per schema and table, as counted in the dump's INSERTs. */
  rows: Map<string, Map<string, number>>;
  binlog: { file: string; position: number; gtid: string | null } | null;
}
