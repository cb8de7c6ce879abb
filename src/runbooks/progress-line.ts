import { z } from 'zod';

/** A progress line a runbook prints on stdout: `{"progress":0.4,"message":"4 of 10 tables"}`. */
const ProgressLine = z.object({
  progress: z.number().min(0).max(1),
  message: z.string().max(500).optional(),
});

/** The progress a stdout line reports, or null when it is an ordinary line. */
export function readProgressLine(line: string): { fraction: number; message: string } | null {
  const text = line.trim();
  if (!text.startsWith('{') || !text.includes('"progress"')) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ProgressLine.safeParse(data);
  if (!parsed.success) return null;
  return { fraction: parsed.data.progress, message: parsed.data.message ?? '' };
}
