import { describe, expect, it } from "vitest";
import { newRows, touchpointIdentity } from "./event-dedup";

describe("newRows", () => {
  it("keeps the first of each identity and drops what the table already holds", () => {
    const row = (id: string) => ({ event_id: id, occurred_at: "2026-03-01T10:00:00.000Z" });
    const rows = [row("a"), row("b"), row("a"), row("c")];
    expect(newRows(rows, touchpointIdentity, new Set(["c"]))).toEqual([0, 1]);
    expect(touchpointIdentity.stored("db.t", rows).params).toEqual({
      days: ["2026-03-01"],
      ids: ["a", "b", "a", "c"],
    });
  });
});
