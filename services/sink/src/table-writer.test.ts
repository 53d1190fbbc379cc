import { type ClickHouse, migrate } from "@cx/clickhouse";
import type { DeadLetter, DeadLetterPublisher, DecodedRecord } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { freshClickHouse, touchpointOnDay } from "@cx/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sinkEnvSchema } from "./config";
import { tableFeeds } from "./table-feeds";
import { createTableWriter, runsToken, type TableRows } from "./table-writer";

const logger = createLogger("table-writer-test", "silent");
const touchpointsFeed = tableFeeds(sinkEnvSchema.parse({})).find((feed) => feed.table === "touchpoints");
if (!touchpointsFeed) throw new Error("no touchpoints feed");

/** A run of `count` touchpoints of one partition, as the sink hands them to a flush. */
function touchpointRun(partition: number, count: number): TableRows {
  const records = Array.from({ length: count }, (_, offset) =>
    touchpointOnDay(offset % 40, { eventId: `run-${partition}-${offset}` }),
  ).map(
    (value, offset): DecodedRecord<unknown> => ({
      topic: "cx.touchpoints",
      key: null,
      value,
      partition,
      offset: String(offset),
      timestampMs: 0,
      headers: {},
      raw: Buffer.from(value.eventId),
    }),
  );
  const rows = records.map((record) =>
    touchpointsFeed?.row(
      record.value as never,
      { cluster: "test", partition, offset: record.offset },
      new Date().toISOString(),
    ),
  ) as object[];
  return {
    feed: touchpointsFeed as never,
    origin: `cx.touchpoints/${partition}`,
    range: `cx.touchpoints/${partition}/0-${count - 1}`,
    records,
    rows,
  };
}

describe("writing the runs of several partitions", () => {
  let clickhouse: ClickHouse;
  const inserts: number[] = [];
  const deadLetters: DeadLetter[] = [];
  let writeTables: ReturnType<typeof createTableWriter>;
  const count = async () => {
    const result = await clickhouse.client.query({
      query: `SELECT count() AS rows FROM ${clickhouse.table("touchpoints")}`,
      format: "JSONEachRow",
    });
    return Number((await result.json<{ rows: string }>())[0]?.rows);
  };

  beforeAll(async () => {
    clickhouse = freshClickHouse("table_writer");
    await migrate(clickhouse, logger);
    writeTables = createTableWriter({
      clickhouse: {
        ...clickhouse,
        insertRows: (insert) => {
          inserts.push(insert.rows.length);
          return clickhouse.insertRows(insert);
        },
      },
      deadLetters: {
        publish: async (letters: readonly DeadLetter[]) => void deadLetters.push(...letters),
      } as DeadLetterPublisher,
      logger,
      erasedBefore: () => false,
    });
  });

  afterAll(async () => {
    await clickhouse?.close();
  });

  it("writes them with one insert per table", async () => {
    const outcomes = await writeTables([touchpointRun(0, 30), touchpointRun(1, 20)]);
    expect(outcomes).toEqual([
      { ok: true, value: { rows: 30, repeated: 0, rejected: 0, erasedBefore: 0 } },
      { ok: true, value: { rows: 20, repeated: 0, rejected: 0, erasedBefore: 0 } },
    ]);
    expect(inserts).toEqual([50]);
    expect(await count()).toBe(50);
  });

  it("writes nothing twice when the same runs come again", async () => {
    const outcomes = await writeTables([touchpointRun(0, 30), touchpointRun(1, 20)]);
    expect(outcomes.map((outcome) => "ok" in outcome && outcome.value.repeated)).toEqual([30, 20]);
    expect(await count()).toBe(50);
  });

  it("dead-letters a row ClickHouse refuses and writes every other run's rows", async () => {
    inserts.length = 0;
    const good = touchpointRun(2, 10);
    const poisoned = touchpointRun(3, 10);
    (poisoned.rows[4] as Record<string, unknown>).amount_minor = "lots";
    const outcomes = await writeTables([good, poisoned]);
    expect(outcomes).toEqual([
      { ok: true, value: { rows: 10, repeated: 0, rejected: 0, erasedBefore: 0 } },
      { ok: true, value: { rows: 9, repeated: 0, rejected: 1, erasedBefore: 0 } },
    ]);
    expect(deadLetters.map((letter) => letter.source)).toEqual([
      { topic: "cx.touchpoints", partition: 3, offset: "4" },
    ]);
    expect(deadLetters[0]?.reason).toMatch(/^ClickHouse refused the row/);
    expect(await count()).toBe(69);
  });

  it("finds stored events however many look-ups a large insert's identities take", async () => {
    const inParts = createTableWriter({
      clickhouse,
      deadLetters: { publish: async () => undefined } as unknown as DeadLetterPublisher,
      logger,
      erasedBefore: () => false,
      lookUpMaxRows: 7,
    });
    // Events 0-29 of partition 0 are stored (first test); the same events again, and 15 new ones.
    const outcomes = await inParts([touchpointRun(0, 45)]);
    expect(outcomes).toEqual([{ ok: true, value: { rows: 15, repeated: 30, rejected: 0, erasedBefore: 0 } }]);
    expect(await count()).toBe(84);
  });

  it("names a run alone by its range and several by a digest of theirs", () => {
    expect(runsToken("touchpoints", [{ range: "t/0/5-9" }])).toBe("t/0/5-9");
    const two = runsToken("touchpoints", [{ range: "t/0/5-9" }, { range: "t/1/0-3" }]);
    expect(two).toMatch(/^touchpoints\/2\/[0-9a-f]{64}$/);
    expect(runsToken("touchpoints", [{ range: "t/0/5-9" }, { range: "t/1/0-4" }])).not.toBe(two);
  });
});
