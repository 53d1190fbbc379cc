/**
 * Deduplication by what a record is, not where it sits in Kafka: the same event sent twice (a
 * channel system retrying a POST, a stage repeating an output after a crash) arrives as two Kafka
 * records at different offsets. Aggregating views would count both, so rows whose identity a table
 * already holds, or that repeat within the batch, are not inserted.
 */
export interface RowIdentity<Row> {
  /** The row's identity as one string. */
  key(row: Row): string;
  /** A query whose column `key` lists which of `rows` the table holds; narrowed by its sort key. */
  stored(table: string, rows: readonly Row[]): { query: string; params: Record<string, unknown> };
}

export const touchpointIdentity: RowIdentity<{ event_id: string; occurred_at: string }> = {
  key: (row) => row.event_id,
  stored: (table, rows) => ({
    query: `SELECT event_id AS key FROM ${table}
            WHERE toDate(occurred_at) IN {days:Array(Date)} AND event_id IN {ids:Array(String)}`,
    params: {
      days: [...new Set(rows.map((row) => row.occurred_at.slice(0, 10)))],
      ids: rows.map((row) => row.event_id),
    },
  }),
};

export const stageChangeIdentity: RowIdentity<{ customer_id: string; event_id: string; to_stage: string }> = {
  key: (row) => `${row.event_id}|${row.to_stage}`,
  stored: (table, rows) => ({
    query: `SELECT concat(event_id, '|', to_stage) AS key FROM ${table}
            WHERE customer_id IN {customers:Array(String)} AND event_id IN {ids:Array(String)}`,
    params: {
      customers: [...new Set(rows.map((row) => row.customer_id))],
      ids: [...new Set(rows.map((row) => row.event_id))],
    },
  }),
};

/**
 * An enriched touchpoint is one event of one customer: the profile stage is at-least-once, so a crash
 * between its outputs and its changelog publishes some again at new offsets (the journeys view would
 * count them twice).
 */
export const enrichedIdentity: RowIdentity<{ customer_id: string; event_id: string }> = {
  key: (row) => `${row.customer_id}|${row.event_id}`,
  stored: (table, rows) => ({
    query: `SELECT concat(customer_id, '|', event_id) AS key FROM ${table}
            WHERE customer_id IN {customers:Array(String)} AND event_id IN {ids:Array(String)}`,
    params: {
      customers: [...new Set(rows.map((row) => row.customer_id))],
      ids: [...new Set(rows.map((row) => row.event_id))],
    },
  }),
};

/** Indexes of the rows to insert: the first of each identity, and only if the table lacks it. */
export function newRows<Row>(
  rows: readonly Row[],
  identity: RowIdentity<Row>,
  stored: ReadonlySet<string>,
): number[] {
  const seen = new Set(stored);
  const keep: number[] = [];
  for (const [index, row] of rows.entries()) {
    const key = identity.key(row);
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(index);
  }
  return keep;
}
