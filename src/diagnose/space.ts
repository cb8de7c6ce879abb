import type { Pool } from 'mysql2/promise';
import { readTableSizes, type TableSize } from '../db/schema/schema-sizes.js';
import { growthPerDay, type SizePoint } from '../monitor/forecast.js';

export const TABLES_LISTED = 15;

export interface SchemaSpace {
  schema: string;
  dataBytes: number;
  indexBytes: number;
  freeBytes: number;
  tables: number;
  /** Bytes a day from the monitor's samples; null without enough history. */
  growthPerDay: number | null;
  /** The configured limit (monitors.schema_size), and the days until the trend reaches it. */
  limitBytes: number | null;
  daysToLimit: number | null;
}

export interface SpaceReport {
  cluster: string;
  schema: string | null;
  schemas: SchemaSpace[];
  /** The biggest tables (data + indexes), largest first, with their growth from the monitor's samples. */
  tables: Array<TableSize & { growthPerDay: number | null }>;
  totalBytes: number;
  diskBytes: number | null;
  /** Days until the schemas' summed trend fills `disk_bytes`; null without a disk size or a growth. */
  daysToDisk: number | null;
  /** Since when the monitor's samples go back (the growth's span); null without any. */
  historySince: Date | null;
}

export interface SpaceInput {
  cluster: string;
  schema?: string;
  diskBytes?: number;
  /** The monitor's schema size samples, per schema, oldest first. */
  history: ReadonlyMap<string, readonly SizePoint[]>;
  /** The monitor's samples of the biggest tables, per `schema.table`, oldest first. */
  tableHistory: ReadonlyMap<string, readonly SizePoint[]>;
  /** `cluster.schema` → bytes, from monitors.schema_size. */
  limitOf(schema: string): number | null;
}

/** Bytes a day: the monitor's least-squares trend, or with fewer samples the change between the first and the last. */
export function trendPerDay(points: readonly SizePoint[]): number | null {
  const fitted = growthPerDay(points);
  if (fitted !== null) return fitted;
  if (points.length < 2) return null;
  const first = points[0];
  const last = points[points.length - 1];
  const days = (last.at.getTime() - first.at.getTime()) / 86_400_000;
  return days > 0 ? (last.bytes - first.bytes) / days : null;
}

/** Days until `bytes` growing `perDay` reaches `limit`; 0 when already over; null when it does not grow. */
export function daysUntil(bytes: number, perDay: number | null, limit: number | null): number | null {
  if (limit === null) return null;
  if (bytes >= limit) return 0;
  if (perDay === null || perDay <= 0) return null;
  return (limit - bytes) / perDay;
}

/** The biggest schemas and tables of a cluster's primary, with growth and the days left. */
export async function readSpace(pool: Pool, input: SpaceInput): Promise<SpaceReport> {
  const sizes = await readTableSizes(pool, input.schema);
  const bySchema = new Map<string, SchemaSpace>();
  for (const t of sizes) {
    const s = bySchema.get(t.schema) ?? emptySchema(t.schema);
    s.dataBytes += t.dataBytes;
    s.indexBytes += t.indexBytes;
    s.freeBytes += t.freeBytes;
    s.tables += 1;
    bySchema.set(t.schema, s);
  }
  const schemas = [...bySchema.values()].map((s) => {
    const growth = trendPerDay(input.history.get(s.schema) ?? []);
    const limit = input.limitOf(s.schema);
    return {
      ...s,
      growthPerDay: growth,
      limitBytes: limit,
      daysToLimit: daysUntil(s.dataBytes + s.indexBytes, growth, limit),
    };
  });
  schemas.sort((a, b) => b.dataBytes + b.indexBytes - (a.dataBytes + a.indexBytes) || a.schema.localeCompare(b.schema));
  const tables = [...sizes]
    .sort((a, b) => b.dataBytes + b.indexBytes - (a.dataBytes + a.indexBytes))
    .slice(0, TABLES_LISTED)
    .map((t) => ({ ...t, growthPerDay: trendPerDay(input.tableHistory.get(`${t.schema}.${t.table}`) ?? []) }));
  const totalBytes = schemas.reduce((n, s) => n + s.dataBytes + s.indexBytes, 0);
  const growths = schemas.map((s) => s.growthPerDay).filter((g): g is number => g !== null);
  const totalGrowth = growths.length > 0 ? growths.reduce((a, b) => a + b, 0) : null;
  const firsts = [...input.history.values()].map((p) => p[0]?.at.getTime()).filter((t): t is number => t !== undefined);
  return {
    cluster: input.cluster,
    schema: input.schema ?? null,
    schemas,
    tables,
    totalBytes,
    diskBytes: input.diskBytes ?? null,
    daysToDisk: input.schema === undefined ? daysUntil(totalBytes, totalGrowth, input.diskBytes ?? null) : null,
    historySince: firsts.length > 0 ? new Date(Math.min(...firsts)) : null,
  };
}

function emptySchema(schema: string): SchemaSpace {
  return {
    schema,
    dataBytes: 0,
    indexBytes: 0,
    freeBytes: 0,
    tables: 0,
    growthPerDay: null,
    limitBytes: null,
    daysToLimit: null,
  };
}
