/** What a secret becomes in a runbook's output. */
export const MASK = '••••••';

/**
 * Masks secrets in a runbook's output before it reaches Slack or the logs: every occurrence of each
 * value, longest first (so a secret that contains another is masked whole). Empty values are ignored.
 */
export function secretScrubber(secrets: Iterable<string | undefined>): (line: string) => string {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) return (line) => line;
  const pattern = new RegExp(values.map(escapeRegExp).join('|'), 'g');
  return (line) => line.replace(pattern, MASK);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
