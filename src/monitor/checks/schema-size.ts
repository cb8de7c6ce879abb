import { formatBytes, plural } from '../../kernel/format.js';
import type { Check, Condition, SchemaSize } from '../types.js';

/**
 * Schema growth: critical once a schema is over its size limit, warning when its growth trend
 * reaches the limit within `monitors.schema_size.forecast_days`. Runs on the polls that sample sizes.
 */
export const schemaSize: Check = {
  id: 'schema-size',
  title: 'Schema size',
  kind: 'state',
  runsOn: 'size-sample',
  // Samples come an hour apart and the trend already spans days: waiting for a second one adds nothing.
  firesAtOnce: true,
  evaluate(sample, ctx) {
    const out: Condition[] = [];
    for (const size of sample.schemaSizes ?? []) {
      const condition = evaluateSchema(size, ctx.settings.schema_size.forecast_days);
      if (condition) out.push(condition);
    }
    return out;
  },
};

function evaluateSchema(size: SchemaSize, forecastDays: number): Condition | null {
  const limit = formatBytes(size.limitBytes);
  const base = {
    checkId: 'schema-size',
    subject: size.schema,
    value: formatBytes(size.bytes),
    details: { bytes: size.bytes, limitBytes: size.limitBytes, bytesPerDay: size.bytesPerDay },
  };
  if (size.bytes >= size.limitBytes) {
    return {
      ...base,
      severity: 'critical',
      summary: `schema ${size.schema} is ${formatBytes(size.bytes)}, over its ${limit} limit`,
      threshold: `limit ${limit}`,
    };
  }
  const days = daysUntilLimit(size);
  if (days === null || days > forecastDays) return null;
  const rate = formatBytes(size.bytesPerDay ?? 0);
  return {
    ...base,
    severity: 'warning',
    summary: `schema ${size.schema} (${formatBytes(size.bytes)}) grows ${rate}/day and reaches its ${limit} limit in about ${plural(Math.max(1, Math.round(days)), 'day')}`,
    threshold: `reaches ${limit} within ${forecastDays} days`,
  };
}

/** Days until the trend reaches the limit; null when it does not grow (or the trend is unknown). */
export function daysUntilLimit(size: SchemaSize): number | null {
  if (size.bytesPerDay === null || size.bytesPerDay <= 0) return null;
  return (size.limitBytes - size.bytes) / size.bytesPerDay;
}
