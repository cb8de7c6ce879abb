import { z } from 'zod';

/** A DATETIME the meta pool returns as a UTC string (`dateStrings`), as a Date. */
export const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());

/** `2026-12-02 15:04:05.123`: how a Date is written to a DATETIME(3) column (UTC). */
export function sqlTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}
