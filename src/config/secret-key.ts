import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../kernel/errors.js';

/** Bytes of dbops' key (HMAC-SHA256 wants at least its 32-byte output). */
export const SECRET_KEY_BYTES = 32;
/** The generated key's file under DBOPS_STATE_DIR. */
export const SECRET_KEY_FILE = 'secret.key';

export interface SecretKey {
  key: Buffer;
  /** `env`: from the variable `secrets.key_env` names; `file`: generated earlier on this host; `generated`: just now. */
  source: 'env' | 'file' | 'generated';
  /** The variable's name, or the file's path (never the key). */
  origin: string;
}

export interface SecretKeyInput {
  /** `secrets.key_env`, e.g. DBOPS_SECRET_KEY. */
  keyEnv: string;
  /** Where the variable is read (process.env in production). */
  secrets: NodeJS.ProcessEnv;
  /** `dbopsDirs(env).state`: where a generated key is kept. */
  stateDir: string;
}

/**
 * dbops' key: from the environment when set (the way for several hosts); otherwise the one this
 * host generated before, or a new one written once (mode 0600 in a 0700 directory). Two processes
 * starting together end up with the same file: the first to link it in wins, the other reads it.
 */
export function loadSecretKey(input: SecretKeyInput): SecretKey {
  const fromEnv = input.secrets[input.keyEnv]?.trim();
  if (fromEnv) return { key: decodeKey(fromEnv, input.keyEnv), source: 'env', origin: input.keyEnv };
  const file = join(input.stateDir, SECRET_KEY_FILE);
  if (existsSync(file)) return { key: readKeyFile(file), source: 'file', origin: file };
  mkdirSync(input.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(input.stateDir, 0o700);
  const pending = join(input.stateDir, `.${SECRET_KEY_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(pending, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(pending, file);
    return { key: readKeyFile(file), source: 'generated', origin: file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: readKeyFile(file), source: 'file', origin: file };
  } finally {
    unlinkSync(pending);
  }
}

function readKeyFile(file: string): Buffer {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new ConfigError(
      [`${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``],
      'secret key',
    );
  return decodeKey(readFileSync(file, 'utf8').trim(), file);
}

/** 32 bytes in base64; the message names where it came from, never the value. */
function decodeKey(text: string, origin: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== SECRET_KEY_BYTES)
    throw new ConfigError(
      [
        `${origin}: expected ${SECRET_KEY_BYTES} random bytes in base64 (make one with \`openssl rand -base64 32\`), got ${key.length === 0 ? 'something else' : `${key.length} bytes`}`,
      ],
      'secret key',
    );
  return key;
}

export interface SecretKeyStatus {
  level: 'ok' | 'warning' | 'problem';
  text: string;
}

/** What `dbops doctor` says about the key, without creating one. */
export function secretKeyStatus(input: SecretKeyInput): SecretKeyStatus {
  const name = input.keyEnv;
  const shared = `every host running dbops on one meta database must seal with the same key: set ${name} (32 random bytes, base64: \`openssl rand -base64 32\`) on all of them`;
  try {
    if (input.secrets[name]?.trim()) {
      loadSecretKey(input);
      return { level: 'ok', text: `${name} is set` };
    }
    const file = join(input.stateDir, SECRET_KEY_FILE);
    if (!existsSync(file))
      return {
        level: 'warning',
        text: `${name} is not set: dbops will generate a key in ${file} at its first start; ${shared}`,
      };
    loadSecretKey(input);
    return {
      level: 'warning',
      text: `${name} is not set: this host seals approvals with the key in ${file}; ${shared}`,
    };
  } catch (err) {
    return { level: 'problem', text: err instanceof ConfigError ? err.problems.join('; ') : String(err) };
  }
}

/**
 * Whether grants may create accounts: their passwords wait encrypted with this key until shown, and
 * the bot (which shows them) and the worker (which stores them) may run on different hosts, so a
 * key generated on one host will not do: the variable must be set. Undefined when ready, else what
 * to do, for `/dbops grant` and `dbops doctor`.
 */
export function grantKeyProblem(input: Omit<SecretKeyInput, 'stateDir'>): string | undefined {
  const name = input.keyEnv;
  const value = input.secrets[name]?.trim();
  const how = `set ${name} to 32 random bytes in base64 (\`openssl rand -base64 32\`) on every host running dbops`;
  if (!value) return `${name} is not set: dbops cannot keep a new account's password until it is shown; ${how}`;
  try {
    decodeKey(value, name);
    return undefined;
  } catch (err) {
    return err instanceof ConfigError ? err.problems.join('; ') : String(err);
  }
}
