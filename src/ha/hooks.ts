import { tmpdir } from 'node:os';
import { executableProblem } from '../runbooks/catalog.js';
import { runProcess } from '../runbooks/process.js';
import { RUNBOOK_PATH } from '../runbooks/run.js';
import { secretScrubber } from '../runbooks/scrub.js';

export interface HookRun {
  /** `[executable, arg, …]` from `ha.hooks.before` / `after`: argv only, no shell reads it. */
  argv: readonly string[];
  which: 'before' | 'after';
  cluster: string;
  oldPrimary: string;
  newPrimary: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Values masked in its output. */
  scrub: readonly string[];
  line(text: string): Promise<void>;
}

/**
 * Run a switchover hook (move a VIP, update a proxy) with the safety of runbooks: argv only, a clean
 * environment (PATH and the switchover's facts, no secret of dbops'), its own process group killed on
 * timeout or cancel, output scrubbed. A non-zero exit fails the step.
 */
export async function runHook(hook: HookRun): Promise<void> {
  const [executable, ...args] = hook.argv;
  if (!executable) throw new Error(`the ${hook.which} hook is empty`);
  const problem = executableProblem({ name: `${hook.which} hook`, run: executable });
  if (problem) throw new Error(problem);
  const scrub = secretScrubber(hook.scrub);
  const lines: string[] = [];
  const outcome = await runProcess({
    executable,
    args,
    env: {
      PATH: RUNBOOK_PATH,
      DBOPS_HOOK: hook.which,
      DBOPS_CLUSTER: hook.cluster,
      DBOPS_OLD_PRIMARY: hook.oldPrimary,
      DBOPS_NEW_PRIMARY: hook.newPrimary,
    },
    cwd: tmpdir(),
    timeoutMs: hook.timeoutMs,
    signal: hook.signal,
    onLine: (stream, line) => void lines.push(`${stream === 'stderr' ? '! ' : ''}${scrub(line)}`),
  });
  for (const line of lines.slice(-20)) await hook.line(`${hook.which} hook: ${line}`);
  if (outcome.stoppedBy === 'timeout')
    throw new Error(`the ${hook.which} hook ran longer than ${hook.timeoutMs / 1000} s and was stopped`);
  if (outcome.stoppedBy === 'cancel') throw new Error(`the ${hook.which} hook was stopped (cancelled)`);
  if (outcome.exitCode !== 0)
    throw new Error(
      `the ${hook.which} hook exited with ${outcome.exitCode ?? `signal ${outcome.exitSignal}`}${lines.length ? `: ${lines.at(-1)}` : ''}`,
    );
}
