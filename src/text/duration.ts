/** Units a duration may be written in, in seconds. */
const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Seconds in a duration as people write them: `90s`, `10m`, `1h30m`, `2d`, or a bare number of
 * seconds. Null when the text is not one.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d{1,9}[smhdw])+$/.test(trimmed)) return null;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) seconds += Number(amount) * UNITS[unit];
  return Number.isSafeInteger(seconds) ? seconds : null;
}

/** A duration in the largest units that write it exactly: 5400 → `1h30m`, 45 → `45s`, 0 → `0s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) out += `${amount}${unit}`;
    rest -= amount * size;
  }
  return out;
}

/**
 * A positive duration written with its unit (`8h`, `7d`, `2w`, `1h30m`): what a grant's `for` and
 * `grants.max_duration` take. A bare number is refused there: it could mean hours as well as seconds.
 */
export function parseSpan(text: string): number | null {
  if (/^\s*\d+\s*$/.test(text)) return null;
  const seconds = parseDuration(text);
  return seconds ? seconds : null;
}
