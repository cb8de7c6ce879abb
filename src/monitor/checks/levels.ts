import type { Severity } from '../types.js';

export interface Levels {
  warning: number;
  critical: number;
}

/** The severity `value` reaches, or null below the warning level. */
export function levelOf(value: number, levels: Levels): Severity | null {
  if (value >= levels.critical) return 'critical';
  if (value >= levels.warning) return 'warning';
  return null;
}

/** "warning ≥ 30 s, critical ≥ 5 min" with the given formatter. */
export function describeLevels(levels: Levels, format: (n: number) => string): string {
  return `warning ≥ ${format(levels.warning)}, critical ≥ ${format(levels.critical)}`;
}
