import type { ClickHouse } from "@cx/clickhouse";
import { observeClickHouseInsert } from "@cx/observability";

/**
 * Times every insert of this client into cx_clickhouse_insert_duration_seconds (per table, ok or
 * error), so the sink's writes are measured without the sink knowing about metrics.
 */
export function timeInserts(clickhouse: ClickHouse): void {
  const { client } = clickhouse;
  const insert = client.insert.bind(client);
  client.insert = (async (params: Parameters<typeof insert>[0]) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await insert(params);
      observeClickHouseInsert(seconds(), params.table, "ok");
      return result;
    } catch (error) {
      observeClickHouseInsert(seconds(), params.table, "error");
      throw error;
    }
  }) as typeof client.insert;
}
