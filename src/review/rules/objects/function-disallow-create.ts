import { disallowCreate } from './_object-rule.js';

export const functionDisallowCreate = disallowCreate({
  id: 'system.function.disallow-create',
  severity: 'warning',
  kind: 'create-function',
  keyword: 'FUNCTION',
  summary: 'no CREATE FUNCTION',
  why:
    'Stored functions hide logic in the database, can make statement-based replication ' +
    'unsafe (non-deterministic functions), and a function called per row in a WHERE ' +
    'clause stops index use.',
  fix: 'Compute the value in the application, or in a generated column if it must live in the table.',
});
