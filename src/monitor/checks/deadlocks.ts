import type { Check } from '../types.js';

/**
 * Deadlocks since the last poll (Innodb_deadlocks, or INNODB_METRICS lock_deadlocks on MySQL), with
 * the tables of the latest one from SHOW ENGINE INNODB STATUS. An event: it fires at once, later
 * deadlocks join the open alert, and it ends after `monitors.deadlocks.quiet_minutes` without one.
 */
export const deadlocks: Check = {
  id: 'deadlocks',
  title: 'Deadlocks',
  kind: 'event',
  runsOn: 'every-poll',
  evaluate(sample) {
    const count = sample.newDeadlocks ?? 0;
    if (count <= 0) return [];
    const latest = sample.latestDeadlock;
    const tables =
      latest && latest.tables.length > 0
        ? latest.tables.join(', ')
        : 'tables unknown (SHOW ENGINE INNODB STATUS needs the PROCESS privilege)';
    return [
      {
        checkId: 'deadlocks',
        subject: '',
        severity: 'warning',
        count,
        summary: `${count === 1 ? 'a deadlock' : `${count} deadlocks`} since the last poll; latest on ${tables}`,
        value: `${count}`,
        threshold: 'any deadlock',
        details: { tables: latest?.tables ?? [], queries: latest?.queries ?? [], at: latest?.at ?? null },
      },
    ];
  },
};
