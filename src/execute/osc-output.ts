/** What a line of pt-online-schema-change's output tells. */
export type OscLine =
  | { kind: 'progress'; percent: number; remaining: string | null }
  | { kind: 'paused' }
  | { kind: 'copy-started'; rows: number | null }
  | { kind: 'copied' }
  | { kind: 'done' }
  | { kind: 'error'; text: string }
  | { kind: 'info'; text: string };

const PROGRESS = /^Copying \S+:\s+(\d{1,3})% (?:(\d[\d:]*) remain)?/;
const PAUSED = /^Sleeping \S+ seconds because .* exists$/;
const COPYING = /Copying approximately (\d+) rows/;
const ERROR = /^(?:\d{4}-\d\d-\d\dT[\d:]+ )?(?:Error|DBD::mysql|Cannot|The table|.*? failed|You did not specify)/;

/** Read one line (progress on stderr, the rest on stdout; both go through here). */
export function readOscLine(raw: string): OscLine {
  const line = raw.trim();
  const progress = PROGRESS.exec(line);
  if (progress)
    return { kind: 'progress', percent: Math.min(100, Number(progress[1])), remaining: progress[2] ?? null };
  if (PAUSED.test(line)) return { kind: 'paused' };
  const copying = COPYING.exec(line);
  if (copying) return { kind: 'copy-started', rows: Number(copying[1]) };
  if (/Copied rows OK\.$/.test(line)) return { kind: 'copied' };
  if (/^Successfully altered /.test(line)) return { kind: 'done' };
  if (ERROR.test(line)) return { kind: 'error', text: line };
  return { kind: 'info', text: line };
}

/** Split a stream of chunks into lines; `\r` (progress redraws) ends a line too. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      const parts = rest.split(/\r?\n|\r/);
      rest = parts.pop() ?? '';
      for (const part of parts) if (part.trim() !== '') onLine(part);
    },
    end() {
      if (rest.trim() !== '') onLine(rest);
      rest = '';
    },
  };
}
