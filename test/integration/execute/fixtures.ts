import { randomBytes, randomInt } from 'node:crypto';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { ExecutionSection } from '../../../src/config/schema.js';
import { instanceOptions } from '../../../src/db/connection-options.js';
import { newInstallationId, type InstallationId } from '../../../src/db/installation.js';
import { quoteIdent } from '../../../src/execute/names.js';
import type { RunRequest } from '../../../src/execute/run.js';

export const localCluster = {
  env: 'test' as const,
  primary: { host: '127.0.0.1', port: 3306 },
  replicas: [],
  user: 'root',
  timezone: 'UTC',
  peak_hours: [],
  max_concurrent_jobs: 1,
  replica_delay_seconds: 0,
};

export interface TargetDb {
  pool: Pool;
  schema: string;
  /** This target's own backup schema (`execution.backup_schema`), so tests never share one. */
  backupSchema: string;
  /** The installation its tickets belong to (one per target, as a meta database would give it). */
  installation: InstallationId;
  /** Where a rollback of its tickets reads: the backup schema and the installation. */
  scope: { backupSchema: string; installation: InstallationId };
  settings: ExecutionSection;
  /** Ticket ids unique to this test file, so backups in the shared dbops_backup schema never collide. */
  ticketId(): number;
  checksum(table: string): Promise<string>;
  count(sql: string, values?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** A schema of its own on the local MariaDB, pooled the way a cluster's primary is; `close()` drops it and the tickets' backups. */
export async function openTarget(): Promise<TargetDb> {
  const schema = `dbops_x_${randomBytes(4).toString('hex')}`;
  const pool = mysql.createPool({ ...instanceOptions(localCluster, localCluster.primary, {}), connectionLimit: 6 });
  await pool.query(`CREATE DATABASE ${quoteIdent(schema)}`);
  const tickets: number[] = [];
  const base = randomInt(1_000_000, 900_000_000);
  const backupSchema = `${schema}_bk`;
  const installation = newInstallationId();
  return {
    pool,
    schema,
    backupSchema,
    installation,
    scope: { backupSchema, installation },
    settings: ExecutionSection.parse({ backup_schema: backupSchema }),
    ticketId() {
      const id = base + tickets.length;
      tickets.push(id);
      return id;
    },
    async checksum(table) {
      const [rows] = await pool.query<RowDataPacket[]>(
        `CHECKSUM TABLE ${quoteIdent(schema)}.${quoteIdent(table)} EXTENDED`,
      );
      return String(rows[0].Checksum);
    },
    async count(sql, values) {
      const [rows] = await pool.query<RowDataPacket[]>(sql, values);
      return Number(Object.values(rows[0])[0]);
    },
    async close() {
      await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(schema)}`);
      await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(backupSchema)}`);
      await pool.end();
    },
  };
}

export function request(target: TargetDb, sql: string, extra: Partial<RunRequest> = {}): RunRequest {
  return {
    installation: target.installation,
    ticketId: target.ticketId(),
    attempt: 1,
    sql,
    schema: target.schema,
    estimate: null,
    unbackedApproval: null,
    largeAlterOverride: false,
    purpose: 'change',
    ...extra,
  };
}

/** `orders`: 1..n with a status, an amount, a note and an ON UPDATE timestamp. */
export async function createOrders(target: TargetDb, rows: number): Promise<void> {
  await target.pool.query(`CREATE TABLE ${quoteIdent(target.schema)}.orders (
    id INT UNSIGNED NOT NULL PRIMARY KEY,
    status TINYINT NOT NULL DEFAULT 0,
    amount DECIMAL(10,2) NULL,
    note VARCHAR(100) NULL,
    data BLOB NULL,
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY idx_status (status)
  ) ENGINE=InnoDB`);
  await target.pool.query(
    `INSERT INTO ${quoteIdent(target.schema)}.orders (id, status, amount, note, data, updated_at)
     SELECT seq, seq % 5, seq * 1.25, IF(seq % 7 = 0, NULL, IF(seq % 11 = 0, CONCAT('back\\\\slash ', seq), CONCAT('o''rder ', seq))), IF(seq % 3 = 0, UNHEX('00FF10'), NULL), '2024-01-02 03:04:05.678'
       FROM ${quoteIdent(target.schema)}.seq_1_to_${rows}`,
  );
}
