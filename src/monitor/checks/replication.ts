import type { Check } from '../types.js';

/**
 * Replication stopped: the IO or SQL thread of a replica is not running, or the server cannot say
 * how far behind it is (Seconds_Behind_Master NULL) — an unknown lag is "stopped", never zero.
 */
export const replication: Check = {
  id: 'replication',
  title: 'Replication stopped',
  kind: 'state',
  runsOn: 'every-poll',
  evaluate(sample) {
    const repl = sample.replication;
    if (!repl) return [];
    const threads = `IO ${repl.ioRunning ? 'Yes' : 'No'}, SQL ${repl.sqlRunning ? 'Yes' : 'No'}`;
    const details = {
      source: repl.source,
      ioRunning: repl.ioRunning,
      sqlRunning: repl.sqlRunning,
      lastIoError: repl.lastIoError,
      lastSqlError: repl.lastSqlError,
    };
    if (!repl.ioRunning || !repl.sqlRunning) {
      const stopped = [!repl.ioRunning ? 'IO' : '', !repl.sqlRunning ? 'SQL' : ''].filter(Boolean).join(' and ');
      const error =
        !repl.sqlRunning && repl.lastSqlError
          ? repl.lastSqlError
          : !repl.ioRunning && repl.lastIoError
            ? repl.lastIoError
            : '';
      return [
        {
          checkId: 'replication',
          subject: '',
          severity: 'critical',
          summary: `${stopped} thread${stopped.includes('and') ? 's' : ''} stopped (source ${repl.source})${error ? `: ${error}` : ''}`,
          value: threads,
          threshold: 'IO and SQL threads running',
          details,
        },
      ];
    }
    if (repl.lagSeconds === null) {
      return [
        {
          checkId: 'replication',
          subject: '',
          severity: 'critical',
          summary: `replication from ${repl.source} is not progressing: the lag is unknown (Seconds_Behind_Master is NULL)`,
          value: 'lag unknown',
          threshold: 'a known lag',
          details,
        },
      ];
    }
    return [];
  },
};
