import { z } from 'zod';
import { runRollback } from '../src/execute/rollback-job.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { sqlTouches } from '../src/tickets/protected-targets.js';

/** Provisional (a later issue refines it): undo what an earlier ticket did. */
export const RollbackPayload = z.strictObject({ of_ticket: z.number().int().positive(), sql: z.string().min(1) });
export type RollbackPayload = z.infer<typeof RollbackPayload>;

/** Undo an earlier ticket from its before-images in dbops_backup (the SQL the rollback ticket was approved with). */
export const rollback = defineKind({
  kind: 'rollback',
  name: 'rollback',
  payload: RollbackPayload,
  title: (_payload, target) => `Rollback on ${targetName(target)}`,
  sql: (payload) => payload.sql,
  // dbops generated the SQL from its backups and plans it again before it runs: the schemas it names
  // besides the target are reads (the backup tables).
  touches: (payload, target) => sqlTouches(target, payload.sql, 'read'),
  process: (payload, ctx) => runRollback(payload, ctx),
});
