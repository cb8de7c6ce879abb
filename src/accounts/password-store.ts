import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { generatePassword } from './password.js';
import { sqlTime, utcDate } from './rows.js';

/** How long a password waits, encrypted, for its owner to open it. */
export const PASSWORD_TTL_MS = 24 * 3600 * 1000;

export interface SealedPassword {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export interface PasswordCipher {
  encrypt(grantId: number, password: string): SealedPassword;
  /** Throws when the row was not encrypted by this key for this grant of this installation. */
  decrypt(grantId: number, sealed: SealedPassword): string;
}

/**
 * AES-256-GCM with a key derived from dbops' key (`secrets.key_env`) for this one purpose. The
 * additional data binds a ciphertext to its installation and grant, so a row copied onto another
 * grant (or into another installation's database) does not decrypt.
 */
export function createPasswordCipher(secretKey: Buffer, installation: string): PasswordCipher {
  const key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'dbops grant passwords v1', 32));
  const aad = (grantId: number) => Buffer.from(`dbops:${installation}:grant:${grantId}`);
  return {
    encrypt(grantId, password) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(grantId));
      const ciphertext = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
      return { iv, tag: cipher.getAuthTag(), ciphertext };
    },
    decrypt(grantId, sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
      decipher.setAAD(aad(grantId));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    },
  };
}

const SecretRow = z.object({
  iv: z.instanceof(Buffer),
  tag: z.instanceof(Buffer),
  ciphertext: z.instanceof(Buffer),
  expires_at: utcDate,
});

export type Reveal =
  | { ok: true; password: string }
  | { ok: false; reason: 'shown' | 'expired' | 'none' | 'not-owner' | 'not-active' };

/**
 * Passwords of accounts dbops created, kept encrypted in the meta database until their owner opens
 * them once (then deleted in the same transaction), or until they expire (then deleted by `sweep`).
 */
export class PasswordStore {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: PasswordCipher,
  ) {}

  /**
   * The grant's password: the one stored by an earlier attempt (a worker that died after storing it
   * resumes with the same), else a new one, stored before it is used.
   */
  async ensure(grantId: number, now: Date): Promise<string> {
    const sealed = this.cipher.encrypt(grantId, generatePassword());
    await this.pool.query(
      `INSERT IGNORE INTO grant_secrets (grant_id, iv, tag, ciphertext, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        grantId,
        sealed.iv,
        sealed.tag,
        sealed.ciphertext,
        sqlTime(now),
        sqlTime(new Date(now.getTime() + PASSWORD_TTL_MS)),
      ],
    );
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT iv, tag, ciphertext, expires_at FROM grant_secrets WHERE grant_id = ?',
      [grantId],
    );
    if (rows.length === 0)
      throw new Error(`the password of G-${grantId} was shown or expired before its account was created`);
    return this.cipher.decrypt(grantId, SecretRow.parse(rows[0]));
  }

  /** Whether a password still waits for the grant (for the DM and App Home). */
  async waiting(grantId: number, now: Date): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT 1 FROM grant_secrets WHERE grant_id = ? AND expires_at > ?',
      [grantId, sqlTime(now)],
    );
    return rows.length > 0;
  }

  /**
   * The password, once: only to the grant's requester, only once the grant is active, and deleted
   * in the same transaction that reads it, so two clicks at once get it once between them.
   */
  async reveal(grantId: number, user: string, now: Date): Promise<Reveal> {
    return inTransaction(this.pool, async (conn) => {
      const [grants] = await conn.query<RowDataPacket[]>(
        'SELECT requester, state, password_state FROM grants WHERE id = ? FOR UPDATE',
        [grantId],
      );
      const grant = grants[0];
      if (!grant) return { ok: false, reason: 'none' };
      if (grant.requester !== user) return { ok: false, reason: 'not-owner' };
      if (grant.password_state === 'shown' || grant.password_state === 'expired')
        return { ok: false, reason: grant.password_state };
      if (grant.state !== 'active') return { ok: false, reason: 'not-active' };
      const [rows] = await conn.query<RowDataPacket[]>(
        'SELECT iv, tag, ciphertext, expires_at FROM grant_secrets WHERE grant_id = ? FOR UPDATE',
        [grantId],
      );
      if (rows.length === 0) return { ok: false, reason: 'none' };
      const row = SecretRow.parse(rows[0]);
      await conn.query('DELETE FROM grant_secrets WHERE grant_id = ?', [grantId]);
      const expired = row.expires_at.getTime() <= now.getTime();
      await conn.query('UPDATE grants SET password_state = ?, updated_at = ? WHERE id = ?', [
        expired ? 'expired' : 'shown',
        sqlTime(now),
        grantId,
      ]);
      if (expired) return { ok: false, reason: 'expired' };
      return { ok: true, password: this.cipher.decrypt(grantId, row) };
    });
  }

  /** Deletes passwords nobody opened in time (and those of grants that ended); returns the grants concerned. */
  async sweep(now: Date): Promise<number[]> {
    return inTransaction(this.pool, async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT s.grant_id FROM grant_secrets s JOIN grants g ON g.id = s.grant_id
          WHERE s.expires_at <= ? OR g.state IN ('revoked', 'failed', 'cancelled') FOR UPDATE`,
        [sqlTime(now)],
      );
      const ids = rows.map((r) => Number(r.grant_id));
      if (ids.length === 0) return [];
      await conn.query('DELETE FROM grant_secrets WHERE grant_id IN (?)', [ids]);
      await conn.query(
        "UPDATE grants SET password_state = 'expired', updated_at = ? WHERE id IN (?) AND password_state = 'waiting'",
        [sqlTime(now), ids],
      );
      return ids;
    });
  }

  /** Drops a grant's password (its account turned out to exist already, so it keeps its own). */
  async discard(grantId: number): Promise<void> {
    await this.pool.query('DELETE FROM grant_secrets WHERE grant_id = ?', [grantId]);
  }
}
