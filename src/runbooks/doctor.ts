import type { Runbook } from '../config/runbook-schema.js';
import { executableProblem } from './catalog.js';

export interface RunbookCheck {
  name: string;
  run: string;
  problem: string | null;
  warnings: string[];
}

/** `dbops doctor`: can each runbook's executable be started here, and are its secrets set? */
export function checkRunbooks(runbooks: readonly Runbook[], env: NodeJS.ProcessEnv): RunbookCheck[] {
  return runbooks.map((runbook) => ({
    name: runbook.name,
    run: runbook.run,
    problem: executableProblem(runbook),
    warnings: runbook.secrets
      .filter((name) => !env[name])
      .map((name) => `secret ${name} is not set in this environment (the script gets it empty)`),
  }));
}

export function renderRunbookChecks(checks: readonly RunbookCheck[]): string {
  if (checks.length === 0) return 'runbooks: none configured\n';
  const lines = checks.flatMap((c) => [
    c.problem ? `FAIL ${c.problem}` : `${c.warnings.length > 0 ? 'WARN' : 'ok  '} runbook ${c.name}: ${c.run}`,
    ...c.warnings.map((w) => `     warning: ${w}`),
  ]);
  return `${lines.join('\n')}\n`;
}
