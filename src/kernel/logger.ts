import { LogLevel, type Logger as SlackLogger } from '@slack/logger';

export type Logger = SlackLogger & {
  child(fields: Record<string, unknown>): Logger;
};

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Keys whose values are never written to logs, whatever nests them. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie/i;

/**
 * One JSON line per entry: `{"level":"info","msg":"…",…fields}`. The first string argument is the
 * message (fixed text); objects are merged in as fields, with secret-looking keys redacted.
 */
export function createLogger(
  level: `${LogLevel}` = 'info',
  fields: Record<string, unknown> = {},
  sink: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Logger {
  let current = level as LogLevel;
  let name: string | undefined;
  const write = (at: LogLevel, args: unknown[]) => {
    if (RANK[at] < RANK[current]) return;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: at,
      ...(name ? { name } : {}),
      ...fields,
    };
    const texts: string[] = [];
    for (const arg of args) {
      if (arg instanceof Error)
        entry.err = { name: arg.name, message: arg.message, code: (arg as { code?: unknown }).code, stack: arg.stack };
      else if (typeof arg === 'object' && arg !== null) Object.assign(entry, redact(arg as Record<string, unknown>));
      else texts.push(String(arg));
    }
    entry.msg = texts.join(' ');
    sink(JSON.stringify(entry));
  };
  return {
    debug: (...a) => write(LogLevel.DEBUG, a),
    info: (...a) => write(LogLevel.INFO, a),
    warn: (...a) => write(LogLevel.WARN, a),
    error: (...a) => write(LogLevel.ERROR, a),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n) => {
      name = n;
    },
    child: (more) => createLogger(current, { ...fields, ...more }, sink),
  };
}

function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if (
      depth < 4 &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !(value instanceof Error)
    )
      out[key] = redact(value as Record<string, unknown>, depth + 1);
    else out[key] = value;
  }
  return out;
}

/** A logger that drops everything (tests that don't care about logs). */
export function silentLogger(): Logger {
  return createLogger('error', {}, () => undefined);
}
