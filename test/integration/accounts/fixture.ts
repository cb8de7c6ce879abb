import { randomBytes } from 'node:crypto';
import mysql, { type Pool } from 'mysql2/promise';
import { GrantStore } from '../../../src/accounts/grant-store.js';
import { createPasswordCipher, PasswordStore } from '../../../src/accounts/password-store.js';
import { newInstallationId } from '../../../src/db/installation.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { dropDatabase } from '../../support/harness.js';

export interface AccountsFixture {
  meta: Pool;
  target: Pool;
  grants: GrantStore;
  passwords: PasswordStore;
  /** A schema on the shared MariaDB with `orders` (3 rows) and `items`. */
  schema: string;
  /** A user name no other test uses; every account made with it is dropped at close. */
  user(label?: string): string;
  close(): Promise<void>;
}

export async function openAccountsFixture(): Promise<AccountsFixture> {
  const suffix = randomBytes(4).toString('hex');
  const metaName = `dbops_acc_${suffix}`;
  const meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaName}`);
  await migrateMeta(meta);
  const target = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 4 });
  const schema = `dbops_gt_${suffix}`;
  await target.query(`CREATE DATABASE \`${schema}\``);
  await target.query(`CREATE TABLE \`${schema}\`.orders (id INT PRIMARY KEY, status INT NOT NULL) ENGINE=InnoDB`);
  await target.query(`INSERT INTO \`${schema}\`.orders VALUES (1, 0), (2, 0), (3, 1)`);
  await target.query(`CREATE TABLE \`${schema}\`.items (id INT PRIMARY KEY) ENGINE=InnoDB`);
  const users: string[] = [];
  const cipher = createPasswordCipher(randomBytes(32), newInstallationId());
  return {
    meta,
    target,
    grants: new GrantStore(meta),
    passwords: new PasswordStore(meta, cipher),
    schema,
    user(label = 'u') {
      const name = `dbg_${label}_${randomBytes(3).toString('hex')}`.slice(0, 32);
      users.push(name);
      return name;
    },
    async close() {
      for (const user of users) {
        const [hosts] = await target.query<mysql.RowDataPacket[]>('SELECT Host FROM mysql.user WHERE User = ?', [user]);
        for (const h of hosts) await target.query(`DROP USER IF EXISTS '${user}'@'${h.Host}'`);
      }
      await target.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await target.end();
      await meta.end();
      await dropDatabase(metaName);
    },
  };
}

/** Logs in as the account with the password, runs `sql`; resolves with the error's code, or 'ok'. */
export async function tryAs(user: string, password: string, sql: string): Promise<string> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host: '127.0.0.1', user, password });
    await conn.query(sql);
    return 'ok';
  } catch (err) {
    return String((err as { code?: string }).code ?? err);
  } finally {
    await conn?.end().catch(() => undefined);
  }
}
