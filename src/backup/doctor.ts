import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { DbopsConfig } from '../config/schema.js';
import { cronProblem } from './schedule.js';
import { toolInstalled } from './tool-process.js';

export interface BackupCheck {
  level: 'ok' | 'warning' | 'problem';
  text: string;
}

/**
 * `dbops doctor`: is `backups.dir` there, a directory and writable; is the tool there; does each
 * schedule read as cron. Said at start, before a scheduled run finds out at 02:00.
 */
export async function checkBackups(
  config: Pick<DbopsConfig, 'backups' | 'clusters'>,
  tools: { installed(name: string): Promise<boolean> } = { installed: toolInstalled },
): Promise<BackupCheck[]> {
  const backedUp = Object.entries(config.clusters).filter(([, c]) => c.backup);
  const dir = config.backups.dir;
  if (!dir)
    return [
      {
        level: backedUp.length > 0 ? 'problem' : 'ok',
        text: backedUp.length > 0 ? 'backups.dir is not set' : 'backups: none configured',
      },
    ];
  const checks: BackupCheck[] = [];
  const info = await stat(dir).catch(() => null);
  if (!info)
    checks.push({
      level: 'problem',
      text: `backups.dir ${dir} does not exist: create it (a path every worker shares)`,
    });
  else if (!info.isDirectory()) checks.push({ level: 'problem', text: `backups.dir ${dir} is not a directory` });
  else {
    const writable = await access(dir, constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    checks.push(
      writable
        ? { level: 'ok', text: `backups.dir ${dir} is writable` }
        : { level: 'problem', text: `backups.dir ${dir} is not writable by this user: backups would fail` },
    );
  }
  const tool = config.backups.tool;
  const mydumper = (await tools.installed('mydumper')) && (await tools.installed('myloader'));
  const dump = (await tools.installed('mariadb-dump')) && (await tools.installed('mariadb'));
  if (tool === 'mydumper' && !mydumper)
    checks.push({
      level: 'problem',
      text: 'backups.tool is mydumper but mydumper/myloader are not installed (scripts/ensure-mydumper.sh)',
    });
  else if (!mydumper && !dump)
    checks.push({
      level: 'problem',
      text: 'neither mydumper nor mariadb-dump/mariadb is installed: backups cannot run',
    });
  else
    checks.push({
      level: 'ok',
      text: `backups are written with ${tool === 'auto' ? (mydumper ? 'mydumper' : 'mariadb-dump') : tool}`,
    });
  for (const [name, cluster] of backedUp) {
    const schedule = cluster.backup?.schedule;
    if (!schedule) continue;
    const problem = cronProblem(schedule, cluster.timezone);
    if (problem) checks.push({ level: 'problem', text: `clusters.${name}.backup.schedule: ${problem}` });
  }
  return checks;
}

export function renderBackupChecks(checks: readonly BackupCheck[]): string {
  const label = { ok: 'ok  ', warning: 'WARN', problem: 'FAIL' } as const;
  return `${checks.map((c) => `${label[c.level]} ${c.text}`).join('\n')}\n`;
}
