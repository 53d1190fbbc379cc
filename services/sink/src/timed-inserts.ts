import type { ClickHouse } from "@cx/clickhouse";
import { observeClickHouseInsert } from "@cx/observability";

/**
 * The same ClickHouse whose inserts are timed into cx_clickhouse_insert_duration_seconds (per
 * table, ok or error), so the sink's writes are measured without the sink knowing about metrics.
 */
export function timeInserts(clickhouse: ClickHouse): ClickHouse {
  return {
    ...clickhouse,
    async insertRows(insert) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        await clickhouse.insertRows(insert);
        observeClickHouseInsert(seconds(), insert.table, "ok");
      } catch (error) {
        observeClickHouseInsert(seconds(), insert.table, "error");
        throw error;
      }
    },
  };
}
