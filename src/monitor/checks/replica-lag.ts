import { formatSeconds } from '../../kernel/format.js';
import type { Check } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

/** Replica lag beyond the delay the replica is meant to have (the cluster's replica_delay_seconds, or its own MASTER_DELAY). */
export const replicaLag: Check = {
  id: 'replica-lag',
  title: 'Replica lag',
  kind: 'state',
  runsOn: 'every-poll',
  evaluate(sample, ctx) {
    const repl = sample.replication;
    // Stopped threads or an unknown lag are the replication monitor's; a lag only means something while both run.
    if (!repl?.ioRunning || !repl.sqlRunning || repl.lagSeconds === null) return [];
    const delay = Math.max(ctx.clusterConfig.replica_delay_seconds, repl.sqlDelaySeconds);
    const lag = Math.max(0, repl.lagSeconds - delay);
    const levels = ctx.settings.replica_lag_seconds;
    const severity = levelOf(lag, levels);
    if (!severity) return [];
    const delayed = delay > 0 ? ` beyond its configured ${formatSeconds(delay)} delay` : '';
    return [
      {
        checkId: 'replica-lag',
        subject: '',
        severity,
        summary: `${formatSeconds(lag)} behind ${repl.source}${delayed}`,
        value: formatSeconds(lag),
        threshold: describeLevels(levels, formatSeconds),
        details: { source: repl.source, secondsBehind: repl.lagSeconds, delaySeconds: delay },
      },
    ];
  },
};
