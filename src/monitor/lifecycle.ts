import type { Condition, Severity } from './types.js';

/**
 * The alert lifecycle, as a pure function of what is open and what one poll saw:
 *
 *   (nothing) ──condition──▶ pending ──held fire_after polls──▶ firing ──clear resolve_after polls──▶ resolved
 *                               └──clear once──▶ (dropped: it never fired, nobody heard of it)
 *
 * Event checks (deadlocks) fire on the first poll that sees them, add later events to the open
 * alert, and resolve after a quiet period. Checks the poll did not evaluate (everything but `down`
 * while the instance is down; schema sizes between samples) leave their alerts exactly as they are.
 */

export type AlertKind = 'poll' | 'event' | 'manual';

/** An alert still pending or firing, as the lifecycle needs it. */
export interface OpenAlert {
  id: number;
  checkId: string;
  subject: string;
  kind: AlertKind;
  state: 'pending' | 'firing';
  severity: Severity;
  valueText: string;
  hits: number;
  misses: number;
  occurrences: number;
  lastSeenAt: Date;
}

export interface LifecycleSettings {
  fireAfterPolls: number;
  resolveAfterPolls: number;
  /** Event checks: how long without a new event before the alert resolves. */
  quietMs(checkId: string): number;
  isEvent(checkId: string): boolean;
  /** Checks that fire on the first poll that sees them (slow samples such as schema sizes). */
  firesAtOnce?(checkId: string): boolean;
}

export type AlertChange =
  | { type: 'create'; condition: Condition; state: 'pending' | 'firing'; kind: AlertKind }
  | {
      type: 'update';
      id: number;
      condition: Condition;
      hits: number;
      occurrences: number;
      /** It reached fire_after_polls on this poll. */
      fires: boolean;
      /** Firing, and what its message shows changed. */
      severityChanged: boolean;
      valueChanged: boolean;
    }
  /** Firing and clear on this poll, not yet long enough to resolve. */
  | { type: 'miss'; id: number; misses: number }
  /** Pending and clear: forgotten without a word. */
  | { type: 'drop'; id: number }
  | { type: 'resolve'; id: number };

const keyOf = (a: { checkId: string; subject: string }) => `${a.checkId}\u0000${a.subject}`;

export function reconcile(
  open: readonly OpenAlert[],
  conditions: readonly Condition[],
  evaluated: ReadonlySet<string>,
  now: Date,
  settings: LifecycleSettings,
): AlertChange[] {
  const changes: AlertChange[] = [];
  const openByKey = new Map(open.map((a) => [keyOf(a), a]));
  const seen = new Set<string>();
  for (const condition of conditions) {
    const key = keyOf(condition);
    if (seen.has(key)) continue;
    seen.add(key);
    const existing = openByKey.get(key);
    const event = settings.isEvent(condition.checkId);
    if (!existing) {
      const firesNow = event || settings.fireAfterPolls <= 1 || settings.firesAtOnce?.(condition.checkId) === true;
      changes.push({
        type: 'create',
        condition,
        state: firesNow ? 'firing' : 'pending',
        kind: event ? 'event' : 'poll',
      });
      continue;
    }
    const hits = existing.hits + 1;
    const fires = existing.state === 'pending' && (event || hits >= settings.fireAfterPolls);
    const firing = existing.state === 'firing';
    changes.push({
      type: 'update',
      id: existing.id,
      condition,
      hits,
      occurrences: event ? existing.occurrences + (condition.count ?? 1) : existing.occurrences,
      fires,
      severityChanged: firing && existing.severity !== condition.severity,
      valueChanged: firing && (existing.valueText !== condition.value || event),
    });
  }
  for (const alert of open) {
    if (alert.kind === 'manual' || seen.has(keyOf(alert)) || !evaluated.has(alert.checkId)) continue;
    if (alert.state === 'pending') {
      changes.push({ type: 'drop', id: alert.id });
      continue;
    }
    if (settings.isEvent(alert.checkId)) {
      if (now.getTime() - alert.lastSeenAt.getTime() >= settings.quietMs(alert.checkId))
        changes.push({ type: 'resolve', id: alert.id });
      continue;
    }
    const misses = alert.misses + 1;
    changes.push(
      misses >= settings.resolveAfterPolls ? { type: 'resolve', id: alert.id } : { type: 'miss', id: alert.id, misses },
    );
  }
  return changes;
}
