import { formatCount } from '../../kernel/format.js';
import type { Check } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

/** Threads_running: statements executing at once; a pile-up means locks, a bad plan or a stall. */
export const threadsRunning: Check = {
  id: 'threads-running',
  title: 'Threads running',
  kind: 'state',
  runsOn: 'every-poll',
  measure(sample, ctx) {
    const { warning } = ctx.settings.threads_running;
    const value = sample.threadsRunning;
    return { value, warning, shown: formatCount(value), warningShown: formatCount(warning) };
  },
  evaluate(sample, ctx) {
    const levels = ctx.settings.threads_running;
    const severity = levelOf(sample.threadsRunning, levels);
    if (!severity) return [];
    return [
      {
        checkId: 'threads-running',
        subject: '',
        severity,
        summary: `${formatCount(sample.threadsRunning)} threads running`,
        value: formatCount(sample.threadsRunning),
        threshold: describeLevels(levels, formatCount),
      },
    ];
  },
};
