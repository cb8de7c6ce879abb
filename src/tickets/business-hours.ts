import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { WEEKDAYS, type BusinessHours } from '../config/schema.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Longest span measured day by day; a ticket waiting longer has long expired (policy.expire_after). */
const MAX_DAYS = 400;

/**
 * Seconds of business time between `from` and `to`: the part of each listed weekday inside the
 * window (`09:00-18:00`), in `zone` (the cluster's; a DST day's window is what its clocks say).
 * Pure. Zero when `to` is not after `from`.
 */
export function businessSeconds(from: Date, to: Date, zone: string, hours: BusinessHours): number {
  if (to.getTime() <= from.getTime()) return 0;
  const [open = '09:00', close = '18:00'] = hours.hours.split('-');
  const days = new Set(hours.days);
  let day = dayjs(from).tz(zone).startOf('day');
  let total = 0;
  for (let i = 0; i <= MAX_DAYS && day.valueOf() < to.getTime(); i++) {
    if (days.has(WEEKDAYS[day.day()] ?? 'sunday')) {
      const start = at(day.format('YYYY-MM-DD'), open, zone);
      const end = at(day.format('YYYY-MM-DD'), close, zone);
      const overlap = Math.min(end, to.getTime()) - Math.max(start, from.getTime());
      if (overlap > 0) total += overlap;
    }
    day = day.add(1, 'day').tz(zone).startOf('day');
  }
  return Math.floor(total / 1000);
}

/** Milliseconds since the epoch of `date` `hhmm` on the wall clock of `zone`. */
function at(date: string, hhmm: string, zone: string): number {
  return dayjs.tz(`${date} ${hhmm}`, 'YYYY-MM-DD HH:mm', zone).valueOf();
}
