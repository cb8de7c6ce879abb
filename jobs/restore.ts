import type { KnownBlock } from '@slack/types';
import { UnrecoverableError } from 'bullmq';
import { BackupError } from '../src/backup/errors.js';
import { RestorePayload } from '../src/backup/restore-payload.js';
import { runRestore } from '../src/backup/restore-run.js';
import { formatBytes, plural } from '../src/kernel/format.js';
import type { JobResult } from '../src/queue/job-kind.js';
import { code, section, truncate } from '../src/text/blocks.js';
import { defineKind } from '../src/tickets/kind.js';

export { RestorePayload };

export function restoreDetailBlocks(payload: RestorePayload): KnownBlock[] {
  const cluster = payload.into_cluster;
  const verified =
    payload.verified === 'passed'
      ? 'verified by a restore'
      : payload.verified === 'failed'
        ? ':warning: its restore check FAILED'
        : 'not verified';
  const lines = [
    `*Restore* B-${payload.set} of ${code(payload.from_cluster)} (taken ${payload.set_started_at.slice(0, 16).replace('T', ' ')} UTC, ${formatBytes(payload.bytes)}, ${verified}) into ${code(cluster)}`,
  ];
  for (const item of payload.plan) {
    const into = `${cluster}.${item.to}`;
    lines.push(
      `• ${code(item.from)} → ${code(into)}: ${item.tables} tables, ${item.rows.toLocaleString('en-US')} rows`,
    );
    if (item.replaces && item.replaces.tables > 0)
      lines.push(
        `:rotating_light: *REPLACES ${code(into)}, which is not empty*: its ${plural(item.replaces.tables, 'table')} and about ${plural(item.replaces.rows, 'row')} are dropped and replaced by the backup's`,
      );
    else if (item.replaces) lines.push(`   ${code(into)} exists and is empty`);
    else lines.push(`   creates ${code(into)}`);
  }
  return [section(truncate(lines.join('\n'), 2900))];
}

/**
 * Load schemas of a backup set into a cluster (src/backup/restore-run.ts): files checked against
 * their checksums, each schema staged, compared with the manifest, then swapped in with one RENAME.
 * Approvals: the destination's `policy.approvals` (restoring into prod needs prod's).
 */
export const restore = defineKind({
  kind: 'restore',
  name: 'restore',
  payload: RestorePayload,
  details: (payload) => restoreDetailBlocks(payload),
  title: (payload, target) =>
    `Restore B-${payload.set} into ${target.cluster}${payload.plan.length === 1 ? `.${payload.plan[0].to}` : ` (${payload.plan.length} schemas)`}`,
  touches: (payload, target) => ({
    touches: payload.plan.map((p) => ({ cluster: target.cluster, schema: p.to, access: 'write' as const })),
    opaque: [],
  }),
  // The source going away mid-restore (a lost connection) is tried again; the staging schema is rebuilt.
  options: { attempts: 2, backoff: { type: 'exponential', delay: 10_000 } },
  async process(payload, ctx): Promise<JobResult> {
    const services = ctx.services.backups;
    if (!services) throw new UnrecoverableError('backups are not wired in this worker');
    try {
      const result = await runRestore(
        payload.set,
        payload.plan.map((p) => ({ from: p.from, to: p.to })),
        {
          store: services.store,
          db: ctx.clusters.primary(ctx.ticket.cluster),
          threads: services.threads,
          runId: `${ctx.installation}_T${ctx.ticket.id}`,
          workDir: () => ctx.workDir(),
          signal: ctx.signal,
          progress: (f: number, m: string): Promise<void> => ctx.progress(f, m),
          milestone: (text: string): Promise<void> => ctx.milestone(text).catch(() => undefined),
          step: <T>(name: string, options: { idempotent: boolean }, run: () => Promise<T>): Promise<T> =>
            ctx.step(name, options, run),
        },
      );
      const tables = result.schemas.reduce((n, s) => n + s.tables, 0);
      const rows = result.schemas.reduce((n, s) => n + s.rows, 0);
      return {
        summary: `B-${payload.set} restored into ${result.schemas.map((s) => `${ctx.ticket.cluster}.${s.to}`).join(', ')}: ${tables} tables, ${rows.toLocaleString('en-US')} rows, counts${result.schemas.length > 0 ? ' and checksums where recorded' : ''} equal to the set's manifest.`,
        details: { schemas: result.schemas },
      };
    } catch (err) {
      if (err instanceof BackupError && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  },
});
