import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';
import { changeOf } from '../../catalog/batch-state.js';
import type { FindingDraft } from '../../types.js';

/** A default the server fills in with the time: CURRENT_TIMESTAMP, NOW(), LOCALTIME…, as written or as information_schema shows it. */
const NOW_DEFAULT = /^(current_timestamp|now|localtime|localtimestamp)(\(\d*\))?$/i;

export const columnCurrentTimeCountLimit = defineRule({
  id: 'column.current-time-count-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'few columns that default to or update with CURRENT_TIMESTAMP',
  why:
    'A table needs one creation time and one modification time; more columns that the ' +
    'server fills in or updates automatically are usually copies of those, and each ON ' +
    'UPDATE column changes on every write, whatever the statement meant to change.',
  fix:
    'Keep one `created_at … DEFAULT CURRENT_TIMESTAMP` and one `updated_at … DEFAULT ' +
    'CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`; set other time columns from the ' +
    'application.',
  params: z.strictObject({
    max_default: z.number().int().nonnegative().default(2),
    max_on_update: z.number().int().nonnegative().default(1),
  }),
  check(ctx) {
    const { params } = ctx;
    const ddl = tableDdl(ctx.stmt);
    if (!ddl) return [];
    // Counted on the table as this statement leaves it (earlier statements of the batch and the
    // target's columns included), but only when this statement adds or changes such a column.
    const after = changeOf(ctx)?.after;
    const columns = after
      ? after.columns.map((c) => ({
          name: c.name,
          now: NOW_DEFAULT.test(c.defaultValue ?? ''),
          onUpdate: !!c.onUpdate,
        }))
      : ddl.columns.map((c) => ({
          name: c.name,
          now: c.default?.kind === 'current-timestamp',
          onUpdate: c.onUpdate !== null,
        }));
    const byDefault = columns.filter((c) => c.now).map((c) => `\`${c.name}\``);
    const onUpdate = columns.filter((c) => c.onUpdate).map((c) => `\`${c.name}\``);
    const findings: FindingDraft[] = [];
    if (byDefault.length > params.max_default && ddl.columns.some((c) => c.default?.kind === 'current-timestamp')) {
      findings.push({
        message: `${byDefault.length} columns of ${tableLabel(ddl)} default to CURRENT_TIMESTAMP (${byDefault.join(', ')}); the limit is ${params.max_default}.`,
        fragment: 'DEFAULT CURRENT_TIMESTAMP',
      });
    }
    if (onUpdate.length > params.max_on_update && ddl.columns.some((c) => c.onUpdate !== null)) {
      findings.push({
        message: `${onUpdate.length} columns of ${tableLabel(ddl)} have ON UPDATE CURRENT_TIMESTAMP (${onUpdate.join(', ')}); the limit is ${params.max_on_update}.`,
        fragment: 'ON UPDATE CURRENT_TIMESTAMP',
      });
    }
    return findings;
  },
});
