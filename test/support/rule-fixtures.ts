import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Per-rule fixtures (test/fixtures/rules/<rule id>.yaml): cases that must fire and cases that must
 * not. A case is a SQL batch, or an object with the SQL and expectations.
 *
 *   rule: statement.where.require.update-delete
 *   params: { max: 2 }          # optional: parameters for every case
 *   schema: |                   # optional: DDL run in a fresh MariaDB schema first (schema/EXPLAIN rules)
 *     CREATE TABLE t (id INT PRIMARY KEY);
 *   fire:
 *     - DELETE FROM t
 *     - { sql: "UPDATE t SET a = 1", count: 1, line: 1, message: "every row", purpose: change }
 *   pass:
 *     - DELETE FROM t WHERE id = 1
 */
const Case = z.union([
  z.string().transform((sql) => ({ sql })),
  z.strictObject({
    sql: z.string(),
    count: z.number().int().optional(),
    line: z.number().int().optional(),
    message: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    purpose: z.enum(['review', 'change']).optional(),
  }),
]);
export type RuleCase = z.output<typeof Case>;

export const RuleFixture = z.strictObject({
  rule: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
  schema: z.string().optional(),
  fire: z.array(Case).min(1),
  pass: z.array(Case).min(1),
});
export type RuleFixture = z.output<typeof RuleFixture>;

export const FIXTURE_DIR = new URL('../fixtures/rules/', import.meta.url).pathname;

export function loadRuleFixtures(): Array<RuleFixture & { file: string }> {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const parsed = RuleFixture.safeParse(parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
      if (`${parsed.data.rule}.yaml` !== file)
        throw new Error(`${file}: names rule ${parsed.data.rule}; the file must be named after its rule`);
      return { ...parsed.data, file };
    });
}
