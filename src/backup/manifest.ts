import { z } from 'zod';

/** The tools a set is written with. */
export const BACKUP_TOOLS = ['mydumper', 'mariadb-dump'] as const;
export type BackupTool = (typeof BACKUP_TOOLS)[number];

const Count = z.number().int().min(0);

/** One file of a set, with what proves it unchanged. */
export const ManifestFile = z.strictObject({
  /** Path inside the set's directory. */
  name: z.string().min(1),
  /** Which schema it belongs to (null: the set's own metadata). */
  schema: z.string().nullable(),
  bytes: Count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const ManifestTable = z.strictObject({
  name: z.string().min(1),
  rows: Count,
  /** CHECKSUM TABLE where a restore of the set computed it (verification), else null. */
  checksum: z.string().nullable().default(null),
  /**
   * FLOAT columns: mariadb-dump and mydumper write their values with 6 significant digits, so a
   * restore holds them rounded (and its CHECKSUM TABLE differs from the source's). Said on the set.
   */
  float_columns: z.array(z.string()).default([]),
});
export type ManifestTable = z.infer<typeof ManifestTable>;

export const ManifestSchema = z.strictObject({
  name: z.string().min(1),
  charset: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
  collation: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
  tables: z.array(ManifestTable),
  views: z.array(z.string()).default([]),
  triggers: z.array(z.string()).default([]),
  /** `PROCEDURE name` / `FUNCTION name`. */
  routines: z.array(z.string()).default([]),
  events: z.array(z.string()).default([]),
});
export type ManifestSchema = z.infer<typeof ManifestSchema>;

/**
 * What a set holds (manifest.json beside its files, and the same in the meta database, which is the
 * one trusted): schemas with their tables and rows, each file with its size and SHA-256, and the
 * source's binlog/GTID position at the snapshot, when it writes a binlog.
 */
export const Manifest = z.strictObject({
  format: z.literal(1),
  set: z.string().regex(/^B-\d+$/),
  installation: z.string(),
  cluster: z.string(),
  source: z.string(),
  tool: z.enum(BACKUP_TOOLS),
  started_at: z.string(),
  finished_at: z.string(),
  binlog: z.strictObject({ file: z.string(), position: Count, gtid: z.string().nullable() }).nullable(),
  schemas: z.array(ManifestSchema),
  files: z.array(ManifestFile),
});
export type Manifest = z.infer<typeof Manifest>;

export function manifestTotals(manifest: Pick<Manifest, 'schemas' | 'files'>): {
  bytes: number;
  rows: number;
  tables: number;
} {
  const tables = manifest.schemas.flatMap((s) => s.tables);
  return {
    bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    rows: tables.reduce((n, t) => n + t.rows, 0),
    tables: tables.length,
  };
}

/** `B-12` → 12; null when it is not a set id. */
export function parseSetId(text: string): number | null {
  const match = /^B-?(\d{1,15})$/i.exec(text.trim());
  return match ? Number(match[1]) : null;
}

export const setRef = (id: number): string => `B-${id}`;

/** The server's own schemas: never backed up unless named, never restored into. */
export const SERVER_SCHEMAS: readonly string[] = ['mysql', 'information_schema', 'performance_schema', 'sys'];
