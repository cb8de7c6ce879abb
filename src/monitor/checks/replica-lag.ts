import { formatSeconds } from '../../kernel/format.js';
import type { Check, CheckContext, InstanceSample } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

/** Replica lag beyond the delay the replica is meant to have (the cluster's replica_delay_seconds, or its own MASTER_DELAY). */
export const replicaLag: Check = {
  id: 'replica-lag',
  title: 'Replica lag',
  kind: 'state',
  runsOn: 'every-poll',
  measure(sample, ctx) {
    const lag = lagBeyondDelay(sample, ctx);
    if (lag === null) return null;
    const { warning } = ctx.settings.replica_lag_seconds;
    return { value: lag.seconds, warning, shown: formatSeconds(lag.seconds), warningShown: formatSeconds(warning) };
  },
  evaluate(sample, ctx) {
    const measured = lagBeyondDelay(sample, ctx);
    if (measured === null) return [];
    const { repl, delay, seconds: lag } = measured;
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

/** The lag beyond the delay the replica is meant to have; null unless both replication threads run with a known lag. */
function lagBeyondDelay(sample: InstanceSample, ctx: CheckContext) {
  const repl = sample.replication;
  // Stopped threads or an unknown lag are the replication monitor's; a lag only means something while both run.
  if (!repl?.ioRunning || !repl.sqlRunning || repl.lagSeconds === null) return null;
  const delay = Math.max(ctx.clusterConfig.replica_delay_seconds, repl.sqlDelaySeconds);
  return { repl, delay, seconds: Math.max(0, repl.lagSeconds - delay) };
}
