import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ToolCredentials {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** An option-file value, quoted so that `#`, spaces, quotes and backslashes in a password survive. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Write the connection settings for mariadb-dump, mariadb, mydumper and myloader into a 0600 option
 * file in the run's private directory (`--defaults-file=`): the password is never in a process's
 * arguments (`/proc/<pid>/cmdline`), its environment, a log or the job's data.
 */
export async function writeDefaultsFile(dir: string, name: string, c: ToolCredentials): Promise<string> {
  const body = [`host=${quoted(c.host)}`, `port=${c.port}`, `user=${quoted(c.user)}`, `password=${quoted(c.password)}`];
  const text = ['client', 'mydumper', 'myloader'].map((group) => `[${group}]\n${body.join('\n')}\n`).join('\n');
  const path = join(dir, `${name}.cnf`);
  await writeFile(path, text, { mode: 0o600, flag: 'w' });
  return path;
}
