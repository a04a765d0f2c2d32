// Numbers, sizes, durations and times as text.

// The API's times: "2024-01-15T14:00:00+00:00", or with microseconds (".123456Z"). Fractions are
// cut to milliseconds, which every engine parses.
export function parseTime(text) {
  if (!text) return null;
  const ms = Date.parse(String(text).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : ms;
}

const formatters = new Map();
function formatter(timeZone, seconds) {
  const key = `${timeZone}|${seconds}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}),
    }));
  }
  return formatters.get(key);
}

// {date: "2024-01-15", time: "14:00"} of an instant in a zone.
export function civilParts(ms, timeZone = 'UTC', seconds = false) {
  const p = {};
  for (const { type, value } of formatter(timeZone, seconds).formatToParts(ms)) p[type] = value;
  const time = `${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
  return { date: `${p.year}-${p.month}-${p.day}`, time };
}

// "2024-01-15 14:00"
export function dateTime(ms, timeZone = 'UTC', seconds = false) {
  if (ms === null || ms === undefined) return '—';
  const { date, time } = civilParts(ms, timeZone, seconds);
  return `${date} ${time}`;
}

// "2024-01-15 14:00 – 15:00", or with the end's date when it is another day.
export function interval(startMs, endMs, timeZone = 'UTC') {
  const a = civilParts(startMs, timeZone);
  const b = civilParts(endMs, timeZone);
  return `${a.date} ${a.time} – ${a.date === b.date ? b.time : `${b.date} ${b.time}`}`;
}

// "in 5 min", "3 h ago"
export function relative(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return '';
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 2) return 'just now'; // the server's clock and the browser's differ a little
  const text = abs < 45 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min`
    : abs < 129600 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return s >= 0 ? `in ${text}` : `${text} ago`;
}

export function count(n) {
  return Number(n ?? 0).toLocaleString('en');
}

export function bytes(n) {
  n = Number(n ?? 0);
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  do { n /= 1024; i += 1; } while (n >= 1024 && i < units.length - 1);
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// "14:01 UTC" today, else "2024-01-16 14:01 UTC"; in the export's zone when it has one.
export function when(ms, timeZone = 'UTC', now = Date.now()) {
  const t = civilParts(ms, timeZone);
  const today = civilParts(now, timeZone).date;
  return `${t.date === today ? '' : `${t.date} `}${t.time} ${timeZone}`;
}
