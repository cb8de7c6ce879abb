/**
 * How numbers, sizes, durations and times read in what dbops says: short, with units, the way DBAs
 * say them. Written once here; views, alerts and engines call these. Imports nothing of ours.
 */

export const GB = 1024 ** 3;

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** `512 B`, `4.9 KB`, `340 MB`, `1.2 GB` (powers of 1024; one decimal below 100). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const IEC_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 bytes`, `4.9 KiB`, `1.5 GiB`: sizes the review quotes against limits set in bytes (IEC units, one decimal). */
export function formatIecBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < IEC_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${IEC_UNITS[unit]}`;
}

/** `1,234,567`: a count with thousands separators, rounded to a whole number. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `3 rows`, `1 row`, `1,204 statements`: a count and its noun, plural unless the count is one. */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${pluralSuffix(count)}`;
}

/**
 * `1 shard`, `3 shards`, `1 match`: a count and a noun given in the plural (as run plans name their
 * parts); the singular drops its `s` (or `es` after s, x, z, ch, sh).
 */
export function pluralNoun(count: number, nounPlural: string): string {
  if (count !== 1) return `${formatCount(count)} ${nounPlural}`;
  const singular = /(s|x|z|ch|sh)es$/.test(nounPlural) ? nounPlural.slice(0, -2) : nounPlural.replace(/s$/, '');
  return `${formatCount(count)} ${singular}`;
}

/** The `s` a noun takes after `count` (for sentences that put other words between). */
export function pluralSuffix(count: number): string {
  return count === 1 ? '' : 's';
}

/** `7.5 %`, `42 %`. */
export function formatPercent(value: number): string {
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} %`;
}

/** A lag or an age as alerts say it: `45 s`, `2 min 5 s`, `3 h 10 min`, `2 d 4 h`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** An estimate, rounded the way people guess: `40 s`, `12 min`, `1.5 h`. */
export function formatRoughSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** How long a statement took, in a run's report: `0.25 s`, `12.3 s`, `2 min 5 s`; empty when unknown. */
export function formatStatementTime(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A run's elapsed time, compact for progress lines: `0.8s`, `12s`, `3m 02s`, `1h 04m`. */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1).replace(/\.0$/, '')}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A UTC instant as MySQL DATETIME(3) text: `2026-11-24 02:00:00.000`. */
export function sqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
