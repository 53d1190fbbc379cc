import type { Channel } from "@cx/contracts";

/**
 * The rhythms of the workload: when in the week, the month and the year people turn up on each
 * channel. Times are local to the shops (Central European time, UTC+1 all year: close enough for
 * rhythms, and it keeps the stream free of time-zone tables).
 */

export const dayMs = 24 * 60 * 60 * 1000;
export const hourMs = 60 * 60 * 1000;
const localOffsetMs = hourMs;

/** Channel order used by the per-channel tables. */
export const channelOrder: readonly Channel[] = ["store", "phone", "web", "social"];

/** Relative activity per local weekday, Monday first. Shops are closed on Sundays; calls stop too. */
const weekdayFactors: Record<Channel, readonly number[]> = {
  store: [0.8, 0.7, 0.8, 0.95, 1.2, 1.9, 0.1],
  phone: [1.35, 1.15, 1.1, 1.1, 1.0, 0.45, 0.1],
  web: [1.0, 0.95, 0.95, 1.0, 0.95, 0.95, 1.3],
  social: [0.9, 0.9, 0.9, 0.95, 1.05, 1.2, 1.25],
};

/** Relative activity per local hour (0–23): opening hours for store and phone, evenings online. */
const hourProfiles: Record<Channel, readonly number[]> = {
  store: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.8, 1, 1.2, 1.1, 1, 1.1, 1.3, 1.4, 1.3, 0.9, 0.4, 0, 0, 0],
  phone: [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.3, 1.4, 1.2, 0.9, 1.0, 1.1, 1.0, 0.9, 0.8, 0.6, 0.4, 0, 0, 0, 0],
  web: [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.9, 1, 0.9, 0.8, 0.8, 0.9, 1, 1.2, 1.5, 1.7,
    1.5, 1, 0.5,
  ],
  social: [
    0.4, 0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 0.6, 0.8, 0.8, 0.8, 0.9, 1, 0.9, 0.8, 0.8, 0.9, 1, 1.2, 1.4, 1.6,
    1.5, 1.2, 0.8,
  ],
};

/** Cumulative hour distributions, for drawing an hour with one uniform number. */
const hourCdfs: Record<Channel, Float64Array> = Object.fromEntries(
  channelOrder.map((channel) => {
    const profile = hourProfiles[channel];
    const total = profile.reduce((sum, value) => sum + value, 0);
    const cdf = new Float64Array(24);
    let running = 0;
    for (let hour = 0; hour < 24; hour++) {
      running += (profile[hour] ?? 0) / total;
      cdf[hour] = running;
    }
    cdf[23] = 1;
    return [channel, cdf];
  }),
) as Record<Channel, Float64Array>;

/** Month factors (January first): a December peak, a quiet summer, January sales. */
const monthFactors = [1.0, 0.85, 0.9, 0.95, 0.95, 0.85, 0.8, 0.8, 0.95, 1.0, 1.15, 1.7];

/** Multiplier of the whole day: season, the run-up to Christmas, and paydays (25th to the 1st). */
export function dayFactor(dayStartLocal: Date): number {
  const month = dayStartLocal.getUTCMonth();
  const date = dayStartLocal.getUTCDate();
  let factor = monthFactors[month] ?? 1;
  if (month === 11 && date >= 24) factor = date === 24 ? 0.9 : date <= 26 ? 0.15 : 1.1;
  if (month === 10 && date >= 24) factor *= 1.35; // Black Friday week
  if (date >= 25 || date === 1) factor *= 1.3;
  else if (date <= 4) factor *= 1.1;
  else if (date >= 12 && date <= 20) factor *= 0.88;
  return factor;
}

/** Local day number (days since the epoch in shop time) of an instant. */
export function localDay(at: number): number {
  return Math.floor((at + localOffsetMs) / dayMs);
}

/** The instant a local day starts. */
export function localDayStart(day: number): number {
  return day * dayMs - localOffsetMs;
}

/** Local weekday, Monday = 0. */
export function weekdayOf(day: number): number {
  return (day + 3) % 7; // 1970-01-01 was a Thursday
}

export function weekdayFactor(channel: Channel, weekday: number): number {
  return weekdayFactors[channel][weekday] ?? 1;
}

/** Milliseconds into the local day at which a contact on this channel happens. */
export function timeOfDay(channel: Channel, u: number, v: number): number {
  const cdf = hourCdfs[channel];
  let hour = 0;
  while (hour < 23 && (cdf[hour] ?? 1) < u) hour++;
  return Math.floor(hour * hourMs + v * hourMs);
}

/**
 * Per-day factors for a period, precomputed once: index = local day − first local day. Days
 * outside the table get a factor of 1.
 */
export class DayTable {
  readonly firstDay: number;
  private readonly factors: Float64Array;
  readonly max: number;

  constructor(startAt: number, days: number) {
    this.firstDay = localDay(startAt);
    this.factors = new Float64Array(days + 2);
    let max = 0;
    for (let index = 0; index < this.factors.length; index++) {
      const factor = dayFactor(new Date((this.firstDay + index) * dayMs));
      this.factors[index] = factor;
      max = Math.max(max, factor);
    }
    this.max = max;
  }

  factor(day: number): number {
    return this.factors[day - this.firstDay] ?? 1;
  }
}
