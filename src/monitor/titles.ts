import { checkById } from './checks/index.js';

/** Alerts raised by other parts of dbops (not monitors), and how they are titled. */
const RAISED_TITLES: Record<string, string> = {
  'ticket-failed': 'Ticket job failed',
  'ticket-unapproved': 'Ticket approved without a valid approval',
  'primary-down': 'Primary down',
};

/** "Replication stopped", "Ticket job failed"; an unknown id reads as itself ("disk-full" → "Disk full"). */
export function alertTitle(checkId: string): string {
  const known = checkById(checkId)?.title ?? RAISED_TITLES[checkId];
  if (known) return known;
  const words = checkId.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
