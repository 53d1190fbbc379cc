import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clickhouseEnvSchema, createClickHouse, migrate, packedQuerySql, queryPack } from "@cx/clickhouse";
import type { Logger } from "@cx/logging";

export interface QueryLatency {
  readonly queryP95Ms: Record<string, number>;
  readonly setup: Record<string, number | string>;
}

const p95 = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.95) - 1] ?? 0;

/**
 * p95 latency of every query in the pack on the embedded engine, after `touchpoints` rows (and as
 * many enriched rows for 100,000 customers) went in through the tables and their materialized views.
 */
export async function measureQueryLatency(
  logger: Logger,
  { touchpoints, runs = 20 }: { touchpoints: number; runs?: number },
) {
  const dir = mkdtempSync(join(tmpdir(), "cx-bench-ch-"));
  const clickhouse = createClickHouse(
    clickhouseEnvSchema.parse({ CLICKHOUSE_DATA_DIR: dir, CLICKHOUSE_DATABASE: "bench" }),
  );
  try {
    await migrate(clickhouse, logger);
    const loadStarted = performance.now();
    const customers = 100_000;
    // One year of touchpoints; the views fill the aggregates as the rows go in.
    await clickhouse.client.command({
      query: `INSERT INTO bench.touchpoints (event_id, occurred_at, received_at, ingested_at, channel, type,
                amount_minor, currency, sentiment, wait_seconds, handle_seconds, nps, resolved, attributes,
                source_cluster, source_partition, source_offset)
              SELECT toString(number), now64(3) - toIntervalSecond(number % 31536000), now64(3), now64(3),
                ['store', 'web', 'phone', 'social'][number % 4 + 1],
                ['purchase', 'visit', 'complaint', 'page_view', 'return', 'service_resolved'][number % 6 + 1],
                if(number % 6 = 0, 1000 + number % 9000, if(number % 6 = 4, -(500 + number % 2000), NULL)),
                'EUR', (number % 200) / 100 - 1, if(number % 4 = 2, number % 600, NULL),
                if(number % 4 = 2, number % 900, NULL), if(number % 50 = 0, number % 11, NULL),
                number % 6 = 5, map(), 'bench', number % 6, intDiv(number, 6)
              FROM numbers(${touchpoints})`,
    });
    await clickhouse.client.command({
      query: `INSERT INTO bench.enriched_touchpoints
              SELECT toString(number), concat('cus_', toString(number % ${customers})), now64(3) - toIntervalSecond(number % 31536000),
                ['store', 'web', 'phone', 'social'][number % 4 + 1], 'visit', NULL, NULL,
                ['top', 'middle', 'low'][number % 3 + 1], ['new', 'active', 'loyal', 'at_risk'][number % 4 + 1],
                'at_risk', 30, 1000, 2000, 0, 0.8, false, number % ${customers} % 20 = 0, now64(3), 'bench', number % 6, intDiv(number, 6)
              FROM numbers(${touchpoints})`,
    });
    await clickhouse.client.command({
      query: `INSERT INTO bench.customer_profiles
              SELECT concat('cus_', toString(number)), now64(3), NULL, ['top', 'middle', 'low'][number % 3 + 1], 'active',
                'at_risk', number % 50000, number % 80000, 0, 0.7, false, number % 20 = 0, 3, number % 50000, 0, 0.2, NULL, ['store'],
                'bench', 0, number
              FROM numbers(${customers})`,
    });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const params: Record<string, string> = { Date: "2026-01-01", String: "cus_42" };
    const queryP95Ms: Record<string, number> = {};
    for (const query of queryPack()) {
      const values = Object.fromEntries(
        query.params.map(({ name, type }) => [name, name === "to" ? "2027-12-31" : (params[type] ?? "0")]),
      );
      const samples: number[] = [];
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        const result = await clickhouse.client.query({
          query: packedQuerySql(query, clickhouse.database),
          query_params: values,
          format: "JSONEachRow",
        });
        await result.json();
        samples.push(performance.now() - started);
      }
      queryP95Ms[query.name] = Math.round(p95(samples) * 10) / 10;
    }
    return {
      queryP95Ms,
      setup: {
        touchpoints,
        enrichedTouchpoints: touchpoints,
        customers,
        runsPerQuery: runs,
        loadSeconds: Number(loadSeconds.toFixed(1)),
        engine: "embedded (chDB), on disk",
      },
    } satisfies QueryLatency;
  } finally {
    await clickhouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
