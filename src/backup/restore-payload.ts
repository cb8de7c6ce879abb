import { z } from 'zod';

const Count = z.number().int().min(0);

/**
 * `/dbops restore B-12 [schema[,schema]] to cluster[.schema]`: schemas of a good set loaded into the
 * destination cluster (the ticket's cluster). `replaces` is what each destination held when the
 * ticket was opened — what the approval card warns about.
 */
export const RestorePayload = z.strictObject({
  set: z.number().int().positive(),
  /** The cluster the set was taken from, for the card. */
  from_cluster: z.string().min(1),
  /** The destination cluster: the ticket's own, repeated for the card. */
  into_cluster: z.string().min(1),
  set_started_at: z.string(),
  verified: z.enum(['none', 'running', 'passed', 'failed']),
  bytes: Count,
  plan: z
    .array(
      z.strictObject({
        from: z.string().min(1),
        to: z.string().min(1),
        tables: Count,
        rows: Count,
        replaces: z.strictObject({ tables: Count, rows: Count }).nullable(),
      }),
    )
    .min(1),
});
export type RestorePayload = z.infer<typeof RestorePayload>;
