const twoDigits = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, "0"));
const threeDigits = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, "0"));
const dayMs = 86_400_000;
/** 0000-01-01 and 10000-01-01: outside, ISO years take a sign and six digits. */
const firstFourDigitYearMs = -62_167_219_200_000;
const firstFiveDigitYearMs = 253_402_300_800_000;
const maxCachedDays = 4_096;
const dayPrefixes = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, made in 0.1–0.35 µs instead of 0.7–1.4 (measured here, Node 20):
 * rows carry two or more times each, and the two `toISOString` calls of a touchpoint row were
 * nearly all of its cost. The rows of a batch fall on few days, so each day's "YYYY-MM-DDT" is made
 * once.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < firstFourDigitYearMs || ms >= firstFiveDigitYearMs)
    return new Date(ms).toISOString();
  const day = Math.floor(ms / dayMs);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= maxCachedDays) dayPrefixes.clear();
    prefix = new Date(day * dayMs).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const inDay = ms - day * dayMs;
  const seconds = Math.floor(inDay / 1000);
  const text = `${prefix}${twoDigits[Math.floor(seconds / 3600)]}:${twoDigits[Math.floor(seconds / 60) % 60]}:${
    twoDigits[seconds % 60]
  }.${threeDigits[inDay % 1000]}Z`;
  // A string joined from pieces stays a tree of them until read (264 bytes against 47 measured
  // here), and rows wait for their insert in hundreds of thousands; reading one character makes V8
  // store it flat.
  text.charCodeAt(0);
  return text;
}
