import { readFileSync } from 'node:fs';

/**
 * CPU seconds spent by the local MariaDB server and by this process (with its finished children,
 * such as mydumper and myloader), read from /proc: on a 2-core machine the copy is bound by CPU,
 * so where the CPU went explains the wall time better than the wall time itself.
 */
export interface CpuReading {
  server: number;
  client: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime (and, with `children`, cutime + cstime) of a process, in seconds; NaN when unreadable. */
function procSeconds(pid: number | 'self', children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime is field 14 of the whole line, i.e. index 11 after the state field at index 0.
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return (utime + stime + (children ? cutime + cstime : 0)) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** The server's pid, from its pid file (null when it cannot be read: then its CPU is left out). */
export function serverPid(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function readCpu(server: number | null): CpuReading {
  return { server: server === null ? Number.NaN : procSeconds(server, false), client: procSeconds('self', true) };
}

export function cpuSince(before: CpuReading, server: number | null): CpuReading {
  const now = readCpu(server);
  return { server: now.server - before.server, client: now.client - before.client };
}
