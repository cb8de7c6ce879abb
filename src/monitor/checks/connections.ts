import { formatCount, formatPercent } from '../../kernel/format.js';
import type { Check, InstanceSample } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

/** Connections as a share of max_connections: at 100 % new clients are refused. */
export const connections: Check = {
  id: 'connections',
  title: 'Connections',
  kind: 'state',
  runsOn: 'every-poll',
  measure(sample, ctx) {
    if (sample.maxConnections <= 0) return null;
    const { warning } = ctx.settings.connections_percent;
    const value = connectionsPercent(sample);
    return { value, warning, shown: formatPercent(value), warningShown: formatPercent(warning) };
  },
  evaluate(sample, ctx) {
    if (sample.maxConnections <= 0) return [];
    const percent = connectionsPercent(sample);
    const levels = ctx.settings.connections_percent;
    const severity = levelOf(percent, levels);
    if (!severity) return [];
    return [
      {
        checkId: 'connections',
        subject: '',
        severity,
        summary: `${formatCount(sample.threadsConnected)} of max_connections ${formatCount(sample.maxConnections)} connections in use`,
        value: formatPercent(percent),
        threshold: describeLevels(levels, formatPercent),
      },
    ];
  },
};

function connectionsPercent(sample: InstanceSample): number {
  return (sample.threadsConnected / sample.maxConnections) * 100;
}
