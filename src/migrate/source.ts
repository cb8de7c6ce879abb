import type { RowDataPacket } from 'mysql2/promise';
import { readExpr, rowCrcExpr, type RangeSum } from './checksum.js';
import type { Gate, Link } from './connections.js';
import { parseUnsigned, rawRow } from './encode.js';
import { readRowBytes } from './row-bytes.js';
import type { RowBytes, RowCodec } from './row-codec.js';
import { identList, qualified, quoteIdent, rangeCondition, type KeyRange, type KeyValue } from './sql.js';
import type { BinlogPosition, TablePlan } from './types.js';

/** Session settings both sides share, so values and checksums read the same way. */
export const SESSION_SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';

/**
 * The source side of a copy: ONE connection holding ONE consistent snapshot
 * (`START TRANSACTION WITH CONSISTENT SNAPSHOT`), read by every copy stream in turn.
 *
 * Why one: MariaDB cannot share a snapshot between connections. Several snapshots opened one after
 * the other can each see a different moment unless writes are stopped (FLUSH TABLES WITH READ LOCK
 * or BACKUP STAGE BLOCK_COMMIT, which need RELOAD and stall the source's writers). Reading is cheap
 * next to loading (the destination parses and indexes every row), so one reader keeps several
 * loaders busy: a stream takes the reader, pulls its chunk into a bounded buffer and lets go while
 * its loader drains it. Every table and chunk is read at the same instant, the binlog coordinates
 * (MariaDB) belong to exactly that instant, and the source needs nothing but SELECT.
 */
export class SourceSnapshot {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly link: Link,
    readonly schema: string,
    readonly binlog: BinlogPosition | null,
  ) {}

  static async open(link: Link, schema: string): Promise<SourceSnapshot> {
    const db = link.db;
    await db.query(
      `SET SESSION time_zone = '+00:00', sql_mode = '${SESSION_SQL_MODE}', net_write_timeout = 3600, net_read_timeout = 3600`,
    );
    await db.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await db.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const binlog = await snapshotBinlog(link);
    // Values come back as the column's own bytes, whatever its character set.
    await db.query('SET SESSION character_set_results = binary');
    return new SourceSnapshot(link, schema, binlog);
  }

  /** Run `work` with the connection to itself (queries on one connection run one at a time). */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.hold();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Take the connection for work spanning several calls; the returned function lets it go (calling it again does nothing). */
  async hold(): Promise<() => void> {
    const before = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => (release = resolve));
    await before;
    return release;
  }

  private from(table: TablePlan): string {
    const force = table.key ? ` FORCE INDEX (${quoteIdent(table.key.index)})` : '';
    return `${qualified(this.schema, table.name)}${force}`;
  }

  private where(table: TablePlan, range: KeyRange, condition: string | null): string {
    const parts = [table.key ? rangeCondition(table.key.columns, range) : '1'];
    if (condition) parts.push(`(${condition})`);
    return parts.join(' AND ');
  }

  private orderBy(table: TablePlan): string {
    return table.key ? ` ORDER BY ${identList(table.key.columns.map((c) => c.name))}` : '';
  }

  /** The upper end of the chunk starting after `lo`: the key of its `rows`-th row, or null when fewer rows remain (last chunk). Call inside `exclusive`. */
  async nextBoundary(
    table: TablePlan,
    lo: KeyValue | null,
    rows: number,
    condition: string | null,
  ): Promise<KeyValue | null> {
    if (!table.key) return null;
    const columns = identList(table.key.columns.map((c) => c.name));
    const sql = `SELECT ${columns} FROM ${this.from(table)} WHERE ${this.where(table, { lo, hi: null }, condition)}${this.orderBy(table)} LIMIT 1 OFFSET ${rows - 1}`;
    const [result] = await this.link.run(
      this.link.db.query<RowDataPacket[]>({ sql, rowsAsArray: true, typeCast: false }),
    );
    if (result.length === 0) return null;
    return rawRow(result[0]).map((v) => (v ?? Buffer.alloc(0)).toString('hex'));
  }

  /** COUNT and BIT_XOR of row CRCs over a range, at the snapshot. Call inside `exclusive`. */
  async checksum(table: TablePlan, range: KeyRange, condition: string | null): Promise<RangeSum> {
    const sql = `SELECT COUNT(*), BIT_XOR(${rowCrcExpr(table.columns)}) FROM ${this.from(table)} WHERE ${this.where(table, range, condition)}`;
    const [result] = await this.link.run(
      this.link.db.query<RowDataPacket[]>({ sql, rowsAsArray: true, typeCast: false }),
    );
    const row = rawRow(result[0]);
    return { rows: parseUnsigned(row[0]), crc: parseUnsigned(row[1]) };
  }

  /**
   * Stream a range's rows (the copied columns) to `onRow`, pausing while `gate` is closed. Resolves
   * with the range's count and checksum (of the bytes received) when the last row is handed on.
   * With `limit`, only the range's first `limit` rows in key order; `last` is the key of the
   * `limit`-th row, or null when fewer came (see `keyPositions`). Rows are read by `codec` (the
   * checksum is its CRC) and handed on as `RowBytes` in its memory: `onRow` must use a row before it
   * returns. Call inside `exclusive`.
   */
  streamRange(
    table: TablePlan,
    range: KeyRange,
    condition: string | null,
    codec: RowCodec,
    onRow: (row: RowBytes) => void,
    gate: Gate,
    limit?: number,
  ): Promise<RangeSum & { last: KeyValue | null }> {
    const select = table.columns.map(readExpr).join(', ');
    const keyAt = limit === undefined ? null : keyPositions(table);
    if (limit !== undefined && !keyAt) throw new Error(`${table.name}: its rows cannot be read to a limit`);
    const sql = `SELECT ${select} FROM ${this.from(table)} WHERE ${this.where(table, range, condition)}${this.orderBy(table)}${limit === undefined ? '' : ` LIMIT ${limit}`}`;
    const core = this.link.core;
    return new Promise((resolve, reject) => {
      let rows = 0;
      let crc = 0;
      // The key of the last row, as hex (what `nextBoundary` gives), kept only as the read ends.
      let lastKey: KeyValue | null = null;
      let paused = false;
      let settled = false;
      const resume = () => {
        paused = false;
        core.resume();
      };
      const unsubscribe = this.link.onClose((err) => {
        if (settled) return;
        settled = true;
        reject(err);
      });
      const query = core.query({ sql, rowsAsArray: true, typeCast: false });
      const keyOf = (row: RowBytes): KeyValue =>
        (keyAt ?? []).map((i) => (row.start[i] < 0 ? '' : row.buf.toString('hex', row.start[i], row.end[i])));
      readRowBytes(query, codec, (row) => {
        rows++;
        crc = (crc ^ codec.crc) >>> 0;
        onRow(row);
        // Only the chunk's last row is kept: with a limit, it is the row that reaches it.
        if (keyAt && rows === limit) lastKey = keyOf(row);
        if (!paused && gate.blocked()) {
          paused = true;
          core.pause();
          gate.onOpen(resume);
        }
      });
      query.on('error', (err) => {
        unsubscribe();
        if (settled) return;
        settled = true;
        reject(err);
      });
      query.on('end', () => {
        unsubscribe();
        if (settled) return;
        settled = true;
        resolve({ rows, crc, last: lastKey });
      });
    });
  }

  close(): void {
    this.link.close();
  }
}

/**
 * Where a table's key columns sit among its copied columns, when a chunk can be read to a row limit
 * and cut where the read stopped (the last row's key, as `nextBoundary` would have read it): every
 * key column is copied and read as it is (a FLOAT is read widened, so its text is not the key's).
 * Null when it cannot: its chunks are cut by `nextBoundary` first.
 */
export function keyPositions(table: Pick<TablePlan, 'key' | 'columns'>): number[] | null {
  if (!table.key) return null;
  const positions = table.key.columns.map((k) => table.columns.findIndex((c) => c.name === k.name));
  const asIs = positions.every((i) => i >= 0 && readExpr(table.columns[i]) === quoteIdent(table.columns[i].name));
  return asIs ? positions : null;
}

/**
 * How a server tells the binlog coordinates of a snapshot, by its `SELECT VERSION()`:
 * MariaDB reports the position its consistent snapshot corresponds to (`binlog_snapshot_*` status);
 * MySQL has no such status, so its current position is read right after the snapshot opened —
 * `SHOW BINARY LOG STATUS` from 8.2 on (8.4 dropped `SHOW MASTER STATUS`), `SHOW MASTER STATUS` before.
 */
export function binlogQuery(version: string): { kind: 'mariadb-snapshot' | 'mysql-status'; sql: string } {
  if (/mariadb/i.test(version)) return { kind: 'mariadb-snapshot', sql: "SHOW STATUS LIKE 'binlog_snapshot_%'" };
  const [major = 0, minor = 0] = version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const modern = major > 8 || (major === 8 && minor >= 2);
  return { kind: 'mysql-status', sql: modern ? 'SHOW BINARY LOG STATUS' : 'SHOW MASTER STATUS' };
}

/** The binlog coordinates of the snapshot (see `binlogQuery`); null with the binlog off or without the privilege to read them. */
async function snapshotBinlog(link: Link): Promise<BinlogPosition | null> {
  try {
    const [version] = await link.db.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const how = binlogQuery(String(version[0]?.v ?? ''));
    const [rows] = await link.db.query<RowDataPacket[]>(how.sql);
    return how.kind === 'mariadb-snapshot' ? fromSnapshotStatus(rows) : fromLogStatus(rows);
  } catch {
    return null;
  }
}

function fromSnapshotStatus(rows: RowDataPacket[]): BinlogPosition | null {
  const values = new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
  const file = values.get('binlog_snapshot_file') ?? '';
  const position = Number(values.get('binlog_snapshot_position') ?? '0');
  return file ? { file, position } : null;
}

/** A row of `SHOW BINARY LOG STATUS` / `SHOW MASTER STATUS`: File, Position, Executed_Gtid_Set. */
export function fromLogStatus(rows: readonly Record<string, unknown>[]): BinlogPosition | null {
  const row = rows[0];
  const file = row ? String(row.File ?? '') : '';
  if (!row || !file) return null;
  const gtid = String(row.Executed_Gtid_Set ?? '').replace(/\s+/g, '');
  return { file, position: Number(row.Position ?? 0), ...(gtid ? { gtid } : {}) };
}
