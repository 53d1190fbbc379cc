/** Calendar day, ISO week and hour of a moment in a time zone: caps and quiet hours count locally. */
export interface LocalTime {
  readonly day: string;
  readonly week: string;
  readonly hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Local day, week and hour stay the same within a quarter of an hour (UTC-aligned) in every zone
 * whose offsets and transitions fall on quarter hours, which is every zone today. The contact
 * policy asks for the same quarters over and over (each candidate offer and channel, each offer
 * sent), and formatToParts is the costly part, so answers are kept per quarter. A quarter whose
 * first and last millisecond disagree (a transition off the quarter, as in historic local mean
 * times) is not kept.
 */
const quarterMs = 15 * 60 * 1000;
const maxKeptQuarters = 100_000;
const kept = new Map<string, Map<number, LocalTime | null>>();

export function localTime(at: number, timeZone: string): LocalTime {
  let quarters = kept.get(timeZone);
  if (!quarters) {
    quarters = new Map();
    kept.set(timeZone, quarters);
  }
  const quarter = Math.floor(at / quarterMs);
  const known = quarters.get(quarter);
  if (known) return known;
  if (known === null) return computeLocalTime(at, timeZone);
  if (quarters.size >= maxKeptQuarters) quarters.clear();
  const first = computeLocalTime(quarter * quarterMs, timeZone);
  const last = computeLocalTime((quarter + 1) * quarterMs - 1, timeZone);
  const same = first.day === last.day && first.week === last.week && first.hour === last.hour;
  quarters.set(quarter, same ? first : null);
  return same ? first : computeLocalTime(at, timeZone);
}

function computeLocalTime(at: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const [year, month, day] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  // ISO week of the local date: Thursday decides the year.
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    week: `${weekYear}-W${String(week).padStart(2, "0")}`,
    hour: Number(parts.hour),
  };
}
