import { describe, expect, it } from "vitest";
import { localTime } from "./local-time";

/** The answer without any remembered quarters: straight from Intl. */
function direct(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

describe("localTime", () => {
  it("answers as Intl does at every minute around transitions and in quarter-hour zones, asked in any order", () => {
    const zones = ["Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "UTC"];
    // Around the 2026 transitions in Berlin (March 29, October 25) and Lord Howe (April 5, October 4).
    const starts = [
      Date.UTC(2026, 2, 28, 22),
      Date.UTC(2026, 9, 24, 22),
      Date.UTC(2026, 3, 4, 12),
      Date.UTC(2026, 9, 3, 12),
    ];
    for (const zone of zones)
      for (const start of starts)
        for (const minute of [...Array.from({ length: 8 * 60 }, (_, index) => index)].reverse()) {
          const at = start + minute * 60_000 + 17_000;
          const { day, hour } = localTime(at, zone);
          expect({ day, hour }, `${zone} ${new Date(at).toISOString()}`).toEqual(direct(at, zone));
        }
  });

  it("counts ISO weeks of the local date", () => {
    expect(localTime(Date.UTC(2026, 0, 1, 12), "Europe/Berlin").week).toBe("2026-W01");
    expect(localTime(Date.UTC(2027, 0, 3, 12), "Europe/Berlin").week).toBe("2026-W53");
    expect(localTime(Date.UTC(2026, 11, 31, 23, 30), "Europe/Berlin").week).toBe("2026-W53");
  });
});
