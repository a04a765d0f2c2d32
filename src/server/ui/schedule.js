// An export's interval grid, as the server computes it (src/core/intervals.cc Schedule,
// src/service/schedule_planner.cc, src/service/backfill_plan.cc): the next run's time and the
// number of runs a backfill creates. Times are milliseconds since the epoch.

import { parseTime } from './format.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const INTERVALS = {
  'every 5 minutes': { length: 5 * MINUTE, label: '5-minute' },
  'every 15 minutes': { length: 15 * MINUTE, label: '15-minute' },
  hour: { length: HOUR, label: 'hourly' },
  day: { length: DAY, label: 'daily' },
  week: { length: 7 * DAY, label: 'weekly' },
};

export function scheduleOf(exp) {
  const kind = exp.interval in INTERVALS ? exp.interval : 'hour';
  const length = INTERVALS[kind].length;
  return {
    kind,
    length,
    civil: kind === 'day' || kind === 'week', // days of the export's zone; the others count from the epoch
    timeZone: exp.timezone || 'UTC',
    offset: (exp.interval_offset || 0) * 1000,
    delay: length < HOUR ? 30_000 : 60_000, // ScheduleDelay: a run starts this long after its interval ends
  };
}

// --- wall-clock time of a zone

const zoneFormats = new Map();
// The zone's wall-clock time at `ms`, as milliseconds of a UTC clock showing it (whole seconds).
function wallClock(timeZone, ms) {
  if (!zoneFormats.has(timeZone)) {
    zoneFormats.set(timeZone, new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    }));
  }
  const p = {};
  for (const { type, value } of zoneFormats.get(timeZone).formatToParts(ms)) p[type] = Number(value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
}

// The instant at which the zone's clock shows `wall` (the earlier one when it shows it twice).
export function fromWallClock(timeZone, wall) {
  let guess = wall - (wallClock(timeZone, wall) - wall);
  const offset = wallClock(timeZone, guess) - guess;
  guess = wall - offset;
  return guess;
}

const weekday = (day) => (((day + 4) % 7) + 7) % 7; // day 0 (1970-01-01) was a Thursday; 0 = Sunday

// --- the grid

export function floor(s, t) {
  if (!s.civil) return Math.floor(t / s.length) * s.length;
  const local = Math.floor(wallClock(s.timeZone, t) / 1000) * 1000 - s.offset;
  let day = Math.floor(local / DAY);
  if (s.kind === 'week') day -= weekday(day);
  const step = s.kind === 'week' ? 7 : 1;
  let b = fromWallClock(s.timeZone, day * DAY + s.offset);
  while (b > t) {
    day -= step;
    b = fromWallClock(s.timeZone, day * DAY + s.offset);
  }
  return b;
}

export function next(s, b) {
  if (!s.civil) return b + s.length;
  // Local days last 23 to 25 hours: three hours past the nominal length is inside the next one.
  let n = b;
  for (let ahead = s.length + 3 * HOUR; n <= b; ahead += DAY) n = floor(s, b + ahead);
  for (let before = floor(s, n - 1); before > b; before = floor(s, n - 1)) n = before;
  return n;
}

function alignUp(s, t) {
  const f = floor(s, t);
  return f === t ? t : next(s, f);
}

// When the next scheduled run starts, or null (paused, or past end_at). The scheduler creates
// the run of an interval once the interval has ended plus the delay.
export function nextRunAt(exp, now = Date.now()) {
  if (exp.paused) return null;
  const s = scheduleOf(exp);
  let end = next(s, floor(s, now - s.delay));
  if (exp.start_at) {
    const first = next(s, alignUp(s, parseTime(exp.start_at)));
    if (first > end) end = first;
  }
  if (exp.end_at && end > parseTime(exp.end_at)) return null;
  return end + s.delay;
}

// How many whole intervals [start, end) holds (CountIntervalsWithin).
export function countIntervals(s, start, end, cap = 1_000_000) {
  let b = floor(s, start);
  if (b < start) b = next(s, b);
  if (!s.civil) return b < end ? Math.floor((end - b) / s.length) : 0;
  let n = 0;
  for (let e = next(s, b); e <= end && n < cap; b = e, e = next(s, b)) n += 1;
  return n;
}

// --- backfills

// The form's inputs for a backfill: dates (YYYY-MM-DD, days of the export's zone) for day and
// week exports, else date-times in UTC ("YYYY-MM-DDTHH:MM" from a datetime-local input).
export function backfillInputKind(exp) {
  return scheduleOf(exp).civil ? 'date' : 'datetime-local';
}

// {start, end, startText, endText} for the API, or {error}. The bounds as ParseBound computes them.
export function backfillRange(exp, startInput, endInput, now = Date.now()) {
  const s = scheduleOf(exp);
  const bound = (text, name) => {
    if (!text) return { error: `Choose the ${name}.` };
    if (s.civil) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return { error: `The ${name} must be a date.` };
      let t = fromWallClock(s.timeZone, Date.UTC(+m[1], +m[2] - 1, +m[3]));
      if (s.kind === 'day') t += s.offset;
      return { t, text };
    }
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
    if (!m) return { error: `The ${name} must be a date and time.` };
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    return { t, text: new Date(t).toISOString().replace('.000Z', 'Z') };
  };
  const a = bound(startInput, 'start');
  if (a.error) return a;
  const b = bound(endInput, 'end');
  if (b.error) return b;
  if (a.t >= b.t) return { error: 'The end must be after the start.' };
  if (a.t > now) return { error: 'The start is in the future: a backfill exports past intervals.' };
  if (b.t > now) return { error: 'The end is in the future: a backfill exports past intervals.' };
  const planEnd = exp.end_at ? Math.min(b.t, parseTime(exp.end_at)) : b.t;
  const runs = countIntervals(s, a.t, planEnd);
  if (runs === 0) return { error: `The range holds no whole ${exp.interval} interval.` };
  return { start: a.t, end: b.t, startText: a.text, endText: b.text, runs };
}
