import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * When a change may run. Phrases are read in the target cluster's time zone; results are UTC instants.
 *
 *   now | asap | (nothing)      as soon as it is approved (runAt = null; peak hours still delay the start)
 *   tonight                     the next 02:00 in the cluster's zone (TONIGHT): 23:00 → 02:00 in 3 h,
 *                               10:00 → 02:00 tomorrow, 01:00 → 02:00 in 1 h
 *   at 02:00 | 02:00            the next 02:00 in the cluster's zone (today if still ahead, else tomorrow)
 *   tomorrow 02:00              02:00 tomorrow in the cluster's zone
 *   at 2026-11-25 01:30         that minute in the cluster's zone (ISO `2026-11-25T01:30` works too)
 *
 * A requested time inside a peak window is refused with the next allowed time; a time in the past,
 * or one that does not exist (the hour skipped by a daylight-saving change), is refused too.
 */
export const TONIGHT = '02:00';
const MAX_WINDOW_HOPS = 50;

export interface ClusterHours {
  /** IANA zone, e.g. Asia/Shanghai. */
  timezone: string;
  /** Local windows in which no job starts, e.g. ["09:00-12:00"]; "22:00-02:00" crosses midnight. */
  peak_hours: readonly string[];
}

export type RunTimeRefusal = 'unreadable' | 'in_past' | 'no_such_time' | 'peak_hours';

export type RunTime =
  /** runAt null = as soon as approved. `label` is how to show it back ("2026-11-25 01:30 Asia/Shanghai"). */
  | { ok: true; runAt: Date | null; label: string }
  | { ok: false; code: RunTimeRefusal; message: string; nextAllowed?: Date };

export function parseRunTime(phrase: string | undefined, hours: ClusterHours, now: Date): RunTime {
  const text = (phrase ?? '')
    .trim()
    .toLowerCase()
    .replace(/^at\s+/, '')
    .replace(/\s+/g, ' ');
  const zone = hours.timezone;
  if (text === '' || text === 'now' || text === 'asap') return { ok: true, runAt: null, label: 'as soon as approved' };
  const today = localDate(now, zone);
  // The current minute still counts as now: someone typed the time it is.
  const thisMinute = now.getTime() - (now.getTime() % 60_000);
  let wanted: { date: string; time: string } | null = null;
  let relative = false;
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  const tomorrow = /^tomorrow (\d{1,2}):(\d{2})$/.exec(text);
  const dated = /^(\d{4}-\d{2}-\d{2})[ t](\d{1,2}):(\d{2})$/.exec(text);
  if (text === 'tonight') {
    wanted = { date: today, time: TONIGHT };
    relative = true;
  } else if (clock) {
    wanted = { date: today, time: clockTime(clock[1], clock[2]) };
    relative = true;
  } else if (tomorrow) {
    wanted = { date: shiftDate(today, 1), time: clockTime(tomorrow[1], tomorrow[2]) };
  } else if (dated) {
    wanted = { date: dated[1], time: clockTime(dated[2], dated[3]) };
  }
  if (!wanted || !/^([01]\d|2[0-3]):[0-5]\d$/.test(wanted.time)) return unreadable(phrase ?? '', zone);
  let date = wanted.date;
  let at = atLocal(date, wanted.time, zone);
  if (relative && at.isValid() && at.valueOf() < thisMinute) {
    date = shiftDate(date, 1);
    at = atLocal(date, wanted.time, zone);
  }
  if (!at.isValid() || at.format('YYYY-MM-DD HH:mm') !== `${date} ${wanted.time}`) {
    return {
      ok: false,
      code: 'no_such_time',
      message: `${date} ${wanted.time} does not exist in ${zone} (not a calendar date, or an hour skipped by a clock change). Pick another time.`,
    };
  }
  const runAt = at.toDate();
  if (runAt.getTime() < thisMinute) {
    return {
      ok: false,
      code: 'in_past',
      message: `${formatInZone(runAt, zone)} is in the past (it is now ${formatInZone(now, zone)}). Pick a later time, or say now.`,
    };
  }
  const peak = peakWindowAt(runAt, hours);
  if (peak) {
    const nextAllowed = nextAllowedTime(runAt, hours);
    return {
      ok: false,
      code: 'peak_hours',
      message: `${formatInZone(runAt, zone)} is inside the peak hours ${peak.window} (${zone}), when no change may start. The next allowed time is ${formatInZone(nextAllowed, zone)}.`,
      nextAllowed,
    };
  }
  return { ok: true, runAt, label: formatInZone(runAt, zone) };
}

/** The peak window `instant` falls in, with its (UTC) start and end, or null. */
export function peakWindowAt(instant: Date, hours: ClusterHours): { window: string; start: Date; end: Date } | null {
  const t = instant.getTime();
  const today = localDate(instant, hours.timezone);
  for (const offset of [-1, 0]) {
    const day = shiftDate(today, offset);
    for (const window of hours.peak_hours) {
      const [from, to] = window.split('-').map((s) => s.trim());
      if (!from || !to || from === to) continue;
      const start = atLocal(day, from, hours.timezone).valueOf();
      const end = atLocal(to > from ? day : shiftDate(day, 1), to, hours.timezone).valueOf();
      if (start <= t && t < end) return { window, start: new Date(start), end: new Date(end) };
    }
  }
  return null;
}

/** The first instant at or after `instant` outside every peak window. */
export function nextAllowedTime(instant: Date, hours: ClusterHours): Date {
  let t = instant;
  for (let hop = 0; hop < MAX_WINDOW_HOPS; hop++) {
    const window = peakWindowAt(t, hours);
    if (!window) return t;
    t = window.end;
  }
  throw new Error(`peak hours ${hours.peak_hours.join(', ')} leave no time to run a change`);
}

/** When a job for a ticket may start: its requested time (or now, if that is later), moved out of peak hours. */
export function startTime(runAt: Date | null, now: Date, hours: ClusterHours): Date {
  const earliest = runAt && runAt.getTime() > now.getTime() ? runAt : now;
  return nextAllowedTime(earliest, hours);
}

/** `2026-11-25 01:30 Asia/Shanghai`; with `now` given, the date is left out when it is today there. */
export function formatInZone(instant: Date, zone: string, now?: Date): string {
  const local = dayjs(instant).tz(zone);
  const sameDay = now !== undefined && localDate(now, zone) === local.format('YYYY-MM-DD');
  return `${local.format(sameDay ? 'HH:mm' : 'YYYY-MM-DD HH:mm')} ${zone}`;
}

function unreadable(phrase: string, zone: string): RunTime {
  return {
    ok: false,
    code: 'unreadable',
    message: `I can't read "${phrase.trim()}" as a run time. Say now, tonight, at 02:00, tomorrow 02:00 or at 2026-11-25 01:30 (times are in ${zone}, the cluster's zone).`,
  };
}

function clockTime(hour: string, minute: string): string {
  return `${hour.padStart(2, '0')}:${minute}`;
}

function localDate(instant: Date, zone: string): string {
  return dayjs(instant).tz(zone).format('YYYY-MM-DD');
}

/** Calendar arithmetic on a `YYYY-MM-DD` date, free of any zone's clock changes. */
function shiftDate(date: string, days: number): string {
  return dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD');
}

function atLocal(date: string, time: string, zone: string): Dayjs {
  return dayjs.tz(`${date} ${time}`, zone);
}
