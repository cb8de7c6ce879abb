import { createHash, randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/** Symbols a shell, a URL and a DSN leave alone, so the password can be pasted anywhere. */
const SYMBOLS = '-_.+';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

export const PASSWORD_LENGTH = 28;

/**
 * A strong random password (about 170 bits): 28 characters from crypto's uniform randomInt, with at
 * least one upper, lower, digit and symbol so servers' password-strength plugins accept it, and no
 * look-alikes (0/O, 1/l/I).
 */
export function generatePassword(length = PASSWORD_LENGTH): string {
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}

/**
 * The mysql_native_password hash (`*` + SHA1(SHA1(password)) in hex). dbops creates accounts with
 * `IDENTIFIED BY PASSWORD '<hash>'` on MariaDB, so the password itself never reaches the server's
 * processlist, general log or binary log.
 */
export function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}
