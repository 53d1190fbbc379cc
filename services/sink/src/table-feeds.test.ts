import { pipelineTopicList } from "@cx/topics";
import { describe, expect, it } from "vitest";
import { sinkEnvSchema } from "./config";
import { tableFeeds } from "./table-feeds";

describe("table feeds", () => {
  const env = sinkEnvSchema.parse({ TOUCHPOINTS_TOPIC: "run-3.touchpoints" });
  const feeds = tableFeeds(env);

  it("read registry topics under the environment's names, with their contracts and compaction", () => {
    for (const feed of feeds) {
      const entry = pipelineTopicList.find((each) => env[each.variable] === feed.topic);
      expect(entry, feed.table).toBeDefined();
      expect(feed.schema, feed.table).toBe(entry?.contract?.schema);
      expect(feed.tombstones ?? false, feed.table).toBe(entry?.compacted);
    }
    expect(feeds.find((feed) => feed.table === "touchpoints")?.topic).toBe("run-3.touchpoints");
  });

  it("give every table one topic", () => {
    expect(new Set(feeds.map((feed) => feed.topic)).size).toBe(feeds.length);
    expect(new Set(feeds.map((feed) => feed.table)).size).toBe(feeds.length);
  });
});
