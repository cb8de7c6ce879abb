import { formatCount } from '../../kernel/format.js';
import type { Check } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

/** InnoDB history list length: undo purge falling behind, usually because of an old transaction. */
export const historyList: Check = {
  id: 'history-list',
  title: 'History list length',
  kind: 'state',
  runsOn: 'every-poll',
  measure(sample, ctx) {
    const value = sample.historyListLength;
    if (value === null) return null;
    const { warning } = ctx.settings.history_list_length;
    return { value, warning, shown: formatCount(value), warningShown: formatCount(warning) };
  },
  evaluate(sample, ctx) {
    const length = sample.historyListLength;
    if (length === null) return [];
    const levels = ctx.settings.history_list_length;
    const severity = levelOf(length, levels);
    if (!severity) return [];
    return [
      {
        checkId: 'history-list',
        subject: '',
        severity,
        summary: `InnoDB history list length ${formatCount(length)}: purge is falling behind (look for an old open transaction)`,
        value: formatCount(length),
        threshold: describeLevels(levels, formatCount),
      },
    ];
  },
};
