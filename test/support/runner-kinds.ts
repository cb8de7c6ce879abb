import { runKillable } from '../../src/db/kill-query.js';
import { defineTicketJob, type TicketJobKind } from '../../src/queue/job-kind.js';
import { SqlChangePayload } from '../../jobs/execute-sql.js';

/**
 * Test-only job kinds: they stand in for the real ones under the real job names (workers route
 * by name), so tests exercise the runner with real MySQL work of their own making. Registered
 * only through the runtime's `jobs` option, never in jobs/index.ts.
 */

/** Statements marked with this comment run as idempotent steps (they may run again after a crash). */
export const IDEMPOTENT = '/* idempotent */';

/**
 * `execute-sql` stand-in: the ticket's SQL, one statement per line ending in `;`, each a journaled
 * step (`statement 1`, …) run on the cluster's primary so that a Cancel kills it (KILL QUERY).
 */
export const scriptKind: TicketJobKind = defineTicketJob({
  name: 'execute-sql',
  payload: SqlChangePayload,
  async process({ sql }, ctx) {
    const statements = sql
      .split(/;\s*\n/)
      .map((s) => s.trim().replace(/;$/, ''))
      .filter(Boolean);
    const pool = ctx.clusters.primary(ctx.ticket.cluster);
    for (const [i, statement] of statements.entries()) {
      const idempotent = statement.startsWith(IDEMPOTENT);
      await ctx.step(`statement ${i + 1}`, { idempotent }, async () => {
        await runKillable(pool, ctx.signal, async (conn) => {
          if (ctx.ticket.schema) await conn.query(`USE \`${ctx.ticket.schema.replace(/`/g, '``')}\``);
          await conn.query(statement);
        });
        return null;
      });
      await ctx.progress((i + 1) / statements.length, `statement ${i + 1}/${statements.length} done`);
    }
    return { summary: `${statements.length} statement${statements.length === 1 ? '' : 's'} done.` };
  },
});

/**
 * A kind that decomposes, registered under `execute-sql` by the tests that want it (a sql-change
 * ticket's payload is the easiest to fill): one part per line of the ticket's text, each recording
 * itself in `<schema>.part_runs` (`part VARCHAR(64)`, one row per execution). A part named `bad…`
 * writes into a table that does not exist; one named `gate:<lock>` first waits for that named lock.
 */
export const partsKind: TicketJobKind = defineTicketJob({
  name: 'execute-sql',
  payload: SqlChangePayload,
  async process() {
    throw new Error('a decomposed kind is run part by part');
  },
  parts: {
    noun: 'tables',
    async plan({ sql }) {
      return sql
        .split('\n')
        .filter(Boolean)
        .map((t) => ({ key: t, label: `table ${t}`, data: { table: t } }));
    },
    async run(part, _payload, ctx) {
      const pool = ctx.clusters.primary(ctx.ticket.cluster);
      const table = part.key.startsWith('bad') ? 'no_such_table' : 'part_runs';
      await ctx.step('copy', { idempotent: false }, async () => {
        await runKillable(pool, ctx.signal, async (conn) => {
          if (part.key.startsWith('gate:'))
            await conn.query('SELECT GET_LOCK(?, 60), RELEASE_LOCK(?)', [part.key.slice(5), part.key.slice(5)]);
          await conn.query(`INSERT INTO \`${ctx.ticket.schema}\`.${table} (part) VALUES (?)`, [part.key]);
        });
        return null;
      });
      return { summary: `${part.label} copied` };
    },
    summarize(results) {
      return { summary: `${results.length} tables copied.`, details: { tables: results.length } };
    },
  },
});

/** What test workers run by default: the `execute-sql` stand-in. */
export const testKinds: readonly TicketJobKind[] = [scriptKind];

/** `partsKind` with its parts run one at a time, in plan order (as a sharded change runs its shards). */
export const sequentialPartsKind: TicketJobKind = {
  ...partsKind,
  ...(partsKind.parts ? { parts: { ...partsKind.parts, sequential: true } } : {}),
};
