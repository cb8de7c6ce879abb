import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import { BackupStore } from '../../../src/backup/store.js';
import type { BackupEngineDeps } from '../../../src/backup/engine.js';
import { parseConfig } from '../../../src/config/load.js';
import type { DbopsConfig } from '../../../src/config/schema.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { silentLogger, type Logger } from '../../../src/kernel/logger.js';

export interface BackupFixture {
  config: DbopsConfig;
  meta: Pool;
  metaDatabase: string;
  pools: ClusterPools;
  store: BackupStore;
  dir: string;
  workRoot: string;
  installation: string;
  deps(extra?: Partial<BackupEngineDeps>): BackupEngineDeps;
  close(): Promise<void>;
}

/**
 * A meta database of its own, a backups.dir of its own, and a `local` cluster (the test MariaDB)
 * whose backups take only `schemas`, verified on itself. `user` (with its password in `secrets`)
 * replaces root when given.
 */
export async function backupFixture(options: {
  schemas: string[];
  tool: 'mydumper' | 'mariadb-dump';
  user?: { name: string; password: string };
  keep?: number;
  logger?: Logger;
}): Promise<BackupFixture> {
  const suffix = randomBytes(4).toString('hex');
  const metaDatabase = `dbops_bk_${suffix}`;
  const dir = await mkdtemp(join(tmpdir(), 'dbops-backups-'));
  const workRoot = await mkdtemp(join(tmpdir(), 'dbops-bkwork-'));
  const config = parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS, dba_users: [U0DBA00001] }
backups: { dir: ${JSON.stringify(dir)}, tool: ${options.tool}, threads: 2 }
clusters:
  local:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: ${options.user?.name ?? 'root'}
    ${options.user ? 'password_env: DBOPS_BK_TEST_PASSWORD' : ''}
    backup: { keep: ${options.keep ?? 7}, verify_on: local, schemas: [${options.schemas.map((s) => JSON.stringify(s)).join(', ')}] }
`);
  const meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaDatabase}`);
  await migrateMeta(meta);
  const pools = new ClusterPools(config.clusters, {
    secrets: options.user ? { DBOPS_BK_TEST_PASSWORD: options.user.password } : {},
  });
  const store = new BackupStore(meta);
  const installation = `t${suffix}x`;
  const logger = options.logger ?? silentLogger();
  return {
    config,
    meta,
    metaDatabase,
    pools,
    store,
    dir,
    workRoot,
    installation,
    deps: (extra = {}) => ({
      config,
      store,
      meta,
      pools: pools.jobs,
      installation,
      workDir: async (name) => {
        const path = join(workRoot, name);
        const { mkdir } = await import('node:fs/promises');
        await mkdir(path, { recursive: true, mode: 0o700 });
        return path;
      },
      removeWorkDir: (name) => rm(join(workRoot, name), { recursive: true, force: true }),
      worker: `test-${process.pid}`,
      now: () => new Date(),
      logger,
      ...extra,
    }),
    close: async () => {
      await pools.closeAll();
      await meta.query(`DROP DATABASE IF EXISTS \`${metaDatabase}\``);
      await meta.end();
      await rm(dir, { recursive: true, force: true });
      await rm(workRoot, { recursive: true, force: true });
    },
  };
}
