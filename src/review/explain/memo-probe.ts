import type { ExplainRow, ServerProbe } from './probe.js';

/** EXPLAIN answers kept between reviews (catalog/catalog-cache.ts keeps them with a schema's catalog). */
export interface PlanMemo {
  get(schema: string, sql: string): readonly ExplainRow[] | undefined;
  set(schema: string, sql: string, plan: readonly ExplainRow[]): void;
}

/**
 * A probe that answers an EXPLAIN it has seen in the same schema from `memo`, and asks `server`
 * otherwise (keeping the answer). Only answers are kept: a refusal or an error is asked again.
 * Each caller gets its own copy of the rows.
 */
export function memoProbe(server: ServerProbe, memo: PlanMemo): ServerProbe {
  return {
    flavor: server.flavor,
    version: server.version,
    async explain(sql, schema) {
      const known = schema === undefined ? undefined : memo.get(schema, sql);
      if (known) return known.map((row) => ({ ...row }));
      const plan = await server.explain(sql, schema);
      if (schema !== undefined)
        memo.set(
          schema,
          sql,
          plan.map((row) => ({ ...row })),
        );
      return plan;
    },
    close: () => server.close?.() ?? Promise.resolve(),
  };
}
