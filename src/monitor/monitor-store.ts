import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import type { AlertScope } from './alert-store.js';
import type { SizePoint } from './forecast.js';

const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const SampleRow = z.looseObject({ schema_name: z.string(), sampled_at: utcDate, bytes: z.coerce.number() });
const TableSampleRow = SampleRow.extend({ table_name: z.string() });

/** Tables whose sizes are kept with each sample: the biggest, so the history stays small on servers with many. */
export const TABLES_SAMPLED = 200;

/**
 * What monitors remember between polls, in the meta database: the last value of growing counters
 * and schema sizes over time. Counter values are cached in memory; the database is read only when
 * a counter moved, and written by compare-and-set so two workers never count one deadlock twice.
 */
export class MonitorStore {
  private readonly counters = new Map<string, number>();
  private readonly lastSample = new Map<string, Date | null>();

  constructor(private readonly meta: Pool) {}

  /**
   * How much the counter `name` grew since it was last seen: null the first time (a baseline) and
   * after the server restarted (it counts from zero again); 0 when another worker counted it first.
   */
  async delta(scope: AlertScope, name: string, observed: number, now: Date): Promise<number | null> {
    const key = `${scope.cluster}|${scope.instance}|${name}`;
    if (this.counters.get(key) === observed) return 0;
    const where = [scope.cluster, scope.instance, name];
    const [rows] = await this.meta.query<RowDataPacket[]>(
      'SELECT value FROM monitor_counters WHERE cluster = ? AND instance = ? AND name = ?',
      where,
    );
    this.counters.set(key, observed);
    if (!rows[0]) {
      await this.meta.query(
        'INSERT IGNORE INTO monitor_counters (cluster, instance, name, value, updated_at) VALUES (?, ?, ?, ?, ?)',
        [...where, observed, now],
      );
      return null;
    }
    const stored = Number(rows[0].value);
    if (observed === stored) return 0;
    const [result] = await this.meta.query<ResultSetHeader>(
      'UPDATE monitor_counters SET value = ?, updated_at = ? WHERE cluster = ? AND instance = ? AND name = ? AND value = ?',
      [observed, now, ...where, stored],
    );
    if (result.affectedRows !== 1) return 0;
    return observed < stored ? null : observed - stored;
  }

  /** When the cluster's schema sizes were last sampled (cached after the first read). */
  async lastSampledAt(cluster: string): Promise<Date | null> {
    if (!this.lastSample.has(cluster)) {
      const [rows] = await this.meta.query<RowDataPacket[]>(
        'SELECT MAX(sampled_at) AS at FROM schema_size_samples WHERE cluster = ?',
        [cluster],
      );
      const at = rows[0]?.at;
      this.lastSample.set(cluster, typeof at === 'string' ? new Date(`${at.replace(' ', 'T')}Z`) : null);
    }
    return this.lastSample.get(cluster) ?? null;
  }

  /** Record the sizes and drop samples older than `keepDays`. */
  async recordSizes(
    cluster: string,
    sizes: ReadonlyArray<{ schema: string; bytes: number }>,
    at: Date,
    keepDays: number,
  ): Promise<void> {
    this.lastSample.set(cluster, at);
    if (sizes.length > 0) {
      await this.meta.query(
        'INSERT IGNORE INTO schema_size_samples (cluster, schema_name, sampled_at, bytes) VALUES ?',
        [sizes.map((s) => [cluster, s.schema, at, s.bytes])],
      );
    }
    await this.meta.query('DELETE FROM schema_size_samples WHERE cluster = ? AND sampled_at < ?', [
      cluster,
      new Date(at.getTime() - keepDays * 86_400_000),
    ]);
  }

  /** The cluster's samples since `since`, per schema, oldest first. */
  async sizeHistory(cluster: string, since: Date): Promise<Map<string, SizePoint[]>> {
    const [rows] = await this.meta.query<RowDataPacket[]>(
      'SELECT schema_name, sampled_at, bytes FROM schema_size_samples WHERE cluster = ? AND sampled_at >= ? ORDER BY sampled_at',
      [cluster, since],
    );
    const out = new Map<string, SizePoint[]>();
    for (const row of rows.map((r) => SampleRow.parse(r))) {
      const list = out.get(row.schema_name) ?? [];
      list.push({ at: row.sampled_at, bytes: row.bytes });
      out.set(row.schema_name, list);
    }
    return out;
  }

  /** Record the biggest tables' sizes (TABLES_SAMPLED of them) and drop samples older than `keepDays`. */
  async recordTableSizes(
    cluster: string,
    sizes: ReadonlyArray<{ schema: string; table: string; bytes: number }>,
    at: Date,
    keepDays: number,
  ): Promise<void> {
    const biggest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, TABLES_SAMPLED);
    if (biggest.length > 0) {
      await this.meta.query(
        'INSERT IGNORE INTO table_size_samples (cluster, schema_name, table_name, sampled_at, bytes) VALUES ?',
        [biggest.map((s) => [cluster, s.schema, s.table, at, s.bytes])],
      );
    }
    await this.meta.query('DELETE FROM table_size_samples WHERE cluster = ? AND sampled_at < ?', [
      cluster,
      new Date(at.getTime() - keepDays * 86_400_000),
    ]);
  }

  /** The cluster's table samples since `since`, per `schema.table`, oldest first. */
  async tableSizeHistory(cluster: string, since: Date): Promise<Map<string, SizePoint[]>> {
    const [rows] = await this.meta.query<RowDataPacket[]>(
      'SELECT schema_name, table_name, sampled_at, bytes FROM table_size_samples WHERE cluster = ? AND sampled_at >= ? ORDER BY sampled_at',
      [cluster, since],
    );
    const out = new Map<string, SizePoint[]>();
    for (const row of rows.map((r) => TableSampleRow.parse(r))) {
      const key = `${row.schema_name}.${row.table_name}`;
      const list = out.get(key) ?? [];
      list.push({ at: row.sampled_at, bytes: row.bytes });
      out.set(key, list);
    }
    return out;
  }
}
