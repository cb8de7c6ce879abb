import { accessSync, constants, statSync } from 'node:fs';
import type { Runbook } from '../config/runbook-schema.js';
import { UsageError } from '../kernel/errors.js';
import { closest } from '../text/closest.js';

/** The runbook of dbops.yml called `name`, or a UsageError naming the closest one and the known ones. */
export function requireRunbook(runbooks: readonly Runbook[], name: string): Runbook {
  const found = runbooks.find((r) => r.name === name);
  if (found) return found;
  if (runbooks.length === 0)
    throw new UsageError('no runbooks are configured: a DBA declares them under `runbooks:` in dbops.yml', 'not_found');
  const known = runbooks.map((r) => r.name);
  const hint = closest(name, known);
  throw new UsageError(
    `there is no runbook \`${name.replace(/[`\p{Cc}]/gu, '?').slice(0, 60)}\`${hint ? ` — did you mean \`${hint}\`?` : ''} (known: ${known.join(', ')}; \`/dbops runbooks\` lists them)`,
    'not_found',
  );
}

/**
 * Why `runbook.run` cannot be started on this host (missing, not a file, not executable), or null.
 * `dbops doctor` says it for every runbook; a request says it before a ticket is opened.
 */
export function executableProblem(runbook: Pick<Runbook, 'name' | 'run'>): string | null {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(runbook.run);
  } catch {
    return `runbook ${runbook.name}: ${runbook.run} does not exist`;
  }
  if (!stats.isFile()) return `runbook ${runbook.name}: ${runbook.run} is not a file`;
  try {
    accessSync(runbook.run, constants.X_OK);
  } catch {
    return `runbook ${runbook.name}: ${runbook.run} is not executable (chmod +x it)`;
  }
  return null;
}
