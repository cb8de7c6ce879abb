import { formatSeconds } from '../../kernel/format.js';
import type { Check, LongTransaction } from '../types.js';
import { describeLevels, levelOf } from './levels.js';

const QUERY_SHOWN = 300;

/** Transactions open longer than the warning level: they hold locks and stop purge (history grows). */
export const longTransactions: Check = {
  id: 'long-transactions',
  title: 'Long transaction',
  kind: 'state',
  runsOn: 'every-poll',
  evaluate(sample, ctx) {
    const levels = ctx.settings.long_transaction_seconds;
    const oldest = sample.longTransactions[0];
    if (!oldest) return [];
    const severity = levelOf(oldest.ageSeconds, levels);
    if (!severity) return [];
    const others = sample.longTransactions.length - 1;
    const more = others > 0 ? ` (and ${others} more open longer than ${formatSeconds(levels.warning)})` : '';
    return [
      {
        checkId: 'long-transactions',
        subject: '',
        severity,
        summary: `${describeTransaction(oldest)}${more}`,
        value: formatSeconds(oldest.ageSeconds),
        threshold: describeLevels(levels, formatSeconds),
        details: { transactions: sample.longTransactions },
      },
    ];
  },
};

/** "open 75 s on thread 42 by app@10.0.0.5 in shop, running: UPDATE …" or "…, idle in transaction". */
export function describeTransaction(trx: LongTransaction): string {
  const client = trx.user ? ` by ${trx.user}@${trx.host ?? '?'}` : '';
  const db = trx.db ? ` in ${trx.db}` : '';
  const thread = trx.threadId !== null ? ` on thread ${trx.threadId}` : '';
  const what = trx.query ? `running: ${oneLine(trx.query)}` : 'idle in transaction';
  return `transaction open ${formatSeconds(trx.ageSeconds)}${thread}${client}${db}, ${what}`;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > QUERY_SHOWN ? `${flat.slice(0, QUERY_SHOWN - 1)}…` : flat;
}
