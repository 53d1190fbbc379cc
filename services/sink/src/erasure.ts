import type { ClickHouse } from "@cx/clickhouse";
import type { Touchpoint } from "@cx/contracts";
import type { EnrichedTouchpointRecord } from "@cx/stage-records";

/** A customer to forget, and everyone the identity graph had merged into them. */
export interface ErasureRequest {
  readonly customerIds: readonly string[];
  /** The erasure request's event id: names the closing rows, so a redelivered request adds none. */
  readonly eventId: string;
  /** Rows dated up to this moment are erased; a customer who comes back afterwards starts anew. */
  readonly at: number;
  /** The identifiers the request came with: raw touchpoints that carry them go too. */
  readonly identifiers: Touchpoint["identifiers"];
}

/** Every table that holds rows about a customer: which column names them, which dates the row. */
const customerTables = [
  { table: "enriched_touchpoints", customer: "customer_id", time: "occurred_at" },
  { table: "lifecycle_stage_changes", customer: "customer_id", time: "changed_at" },
  { table: "offers", customer: "customer_id", time: "decided_at" },
  { table: "suppressed_decisions", customer: "customer_id", time: "decided_at" },
  { table: "offer_outcomes", customer: "customer_id", time: "answered_at" },
  { table: "offer_deliveries", customer: "customer_id", time: "attempted_at" },
  { table: "customer_profiles", customer: "customer_id", time: "updated_at" },
  { table: "customer_profiles", customer: "merged_into", time: "updated_at" },
  { table: "customer_journeys", customer: "customer_id", time: null },
] as const;

/** Tables whose rows carry Kafka offsets: their watermark is kept before rows are deleted. */
const offsetTables = [
  "touchpoints",
  "enriched_touchpoints",
  "lifecycle_stage_changes",
  "offers",
  "suppressed_decisions",
  "offer_outcomes",
  "offer_deliveries",
  "customer_profiles",
] as const;

const identifierColumns = {
  loyaltyId: "loyalty_id",
  emailHash: "email_hash",
  phoneHash: "phone_hash",
  deviceId: "device_id",
  socialHandle: "social_handle",
} as const satisfies Record<keyof Touchpoint["identifiers"], string>;

/**
 * A delete is a mutation of every part holding matching rows, which takes seconds on a table of
 * many small parts; waiting for each would hold the sink's partition that long per erasure. The
 * mutation is recorded durably when the statement returns and runs in the background (rows are
 * gone within seconds; `system.mutations` shows any still running); rows written after it are
 * not its concern, and those about the erased customer are not written at all.
 */
const asyncDelete = { lightweight_deletes_sync: "0" };

const iso = (at: number) => new Date(at).toISOString();

/**
 * Net customers each of these customers' stage changes added per stage, negated: inserted with the
 * closing row, they take the customers out of the per-stage counts from the closing day on.
 * Customers closed before (merged away, or erased by a previous delivery) are left out.
 */
export async function stageNetsToClose(
  clickhouse: ClickHouse,
  customerIds: readonly string[],
): Promise<Map<string, [string, number][]>> {
  const result = await clickhouse.client.query({
    query: `SELECT customer_id, stage, -sum(net) AS net
            FROM
            (
                SELECT customer_id, moved.1 AS stage, moved.2 AS net
                FROM ${clickhouse.table("lifecycle_stage_changes")}
                ARRAY JOIN arrayFilter(m -> m.1 != '',
                    [(toString(to_stage), toInt64(1)), (coalesce(toString(from_stage), ''), toInt64(-1))]) AS moved
                WHERE customer_id IN {ids:Array(String)}
                  AND customer_id NOT IN (SELECT customer_id FROM ${clickhouse.table("closed_customers")}
                                          WHERE customer_id IN {ids:Array(String)})
            )
            GROUP BY customer_id, stage
            HAVING net != 0
            ORDER BY customer_id, stage`,
    query_params: { ids: customerIds },
    format: "JSONEachRow",
  });
  const nets = new Map<string, [string, number][]>();
  for (const row of await result.json<{ customer_id: string; stage: string; net: string }>()) {
    const list = nets.get(row.customer_id) ?? [];
    list.push([row.stage, Number(row.net)]);
    nets.set(row.customer_id, list);
  }
  return nets;
}

/** Records customers as closed (merged away or erased), cancelling their part of the stage counts. */
export async function closeCustomers(
  clickhouse: ClickHouse,
  customers: readonly { customerId: string; at: number }[],
  reason: "merged" | "erased",
  token: string,
): Promise<void> {
  if (customers.length === 0) return;
  const nets = await stageNetsToClose(
    clickhouse,
    customers.map((customer) => customer.customerId),
  );
  await insertClosingRows(
    clickhouse,
    customers.map(({ customerId, at }) => ({ customerId, at, reason, nets: nets.get(customerId) ?? [] })),
    token,
  );
}

/** When each of these customers was closed, for those that were. */
export async function closedCustomers(
  clickhouse: ClickHouse,
  customerIds: readonly string[],
): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map();
  const result = await clickhouse.client.query({
    query: `SELECT customer_id, toUnixTimestamp64Milli(min(closed_at)) AS at
            FROM ${clickhouse.table("closed_customers")}
            WHERE customer_id IN {ids:Array(String)} GROUP BY customer_id`,
    query_params: { ids: [...new Set(customerIds)] },
    format: "JSONEachRow",
  });
  return new Map(
    (await result.json<{ customer_id: string; at: string }>()).map((row) => [
      row.customer_id,
      Number(row.at),
    ]),
  );
}

/** Cancels single stage changes of closed customers as of their closing (they came after it). */
export async function cancelStageChanges(
  clickhouse: ClickHouse,
  changes: readonly { customerId: string; at: number; from: string | null; to: string }[],
  token: string,
): Promise<void> {
  if (changes.length === 0) return;
  await insertClosingRows(
    clickhouse,
    changes.map(({ customerId, at, from, to }) => ({
      customerId,
      at,
      reason: "merged",
      nets: [[to, -1] as [string, number], ...(from ? [[from, 1] as [string, number]] : [])],
    })),
    token,
  );
}

async function insertClosingRows(
  clickhouse: ClickHouse,
  rows: readonly { customerId: string; at: number; reason: string; nets: [string, number][] }[],
  token: string,
): Promise<void> {
  await clickhouse.insertRows({
    table: clickhouse.table("closed_customers"),
    rows: rows.map((row) => ({
      customer_id: row.customerId,
      closed_at: iso(row.at),
      reason: row.reason,
      stage_nets: row.nets.map(([stage, net]) => ({ stage, net })),
    })),
    token,
  });
}

/** The erasure an enriched record carries, if it is an erasure request. */
export function erasureOf(value: unknown): ErasureRequest | undefined {
  const record = value as EnrichedTouchpointRecord | null;
  if (record?.touchpoint.type !== "erasure_request") return undefined;
  return {
    customerIds: [record.customerId],
    eventId: record.touchpoint.eventId,
    at: record.touchpoint.occurredAt,
    identifiers: record.touchpoint.identifiers,
  };
}

/** The erased customers and when, so rows about them that arrive late are not written. */
export async function loadErasedCustomers(clickhouse: ClickHouse): Promise<Map<string, number>> {
  const result = await clickhouse.client.query({
    query: `SELECT customer_id, toUnixTimestamp64Milli(greatest(max(closed_at), max(recorded_at))) AS at
            FROM ${clickhouse.table("closed_customers")} WHERE reason = 'erased' GROUP BY customer_id`,
    format: "JSONEachRow",
  });
  return new Map(
    (await result.json<{ customer_id: string; at: string }>()).map((row) => [
      row.customer_id,
      Number(row.at),
    ]),
  );
}

/**
 * Rows about the customer dated up to here are erased (and not written if they come later): the
 * request's own time, or the moment it is carried out if that is later, since some rows are dated
 * when a stage wrote them (a merged-away customer's record), not by the customer's events.
 */
export const erasedUntil = (request: ErasureRequest, now = Date.now()) => Math.max(request.at, now);

/**
 * Removes the customers' rows from every table that holds personal data, with lightweight deletes
 * (asynchronous: see asyncDelete; parts are rewritten by later merges). The per-day aggregates
 * hold no customer and keep their counts, except the stage counts, which the closing row corrects.
 * Idempotent: a redelivered request finds nothing more to delete and adds no second closing row.
 */
export async function eraseCustomers(
  clickhouse: ClickHouse,
  request: ErasureRequest,
  until = erasedUntil(request),
): Promise<void> {
  const { client } = clickhouse;
  const ids = [...request.customerIds];
  await keepWatermarks(clickhouse);
  await closeCustomers(
    clickhouse,
    ids.map((customerId) => ({ customerId, at: request.at })),
    "erased",
    `erasure/${request.eventId}/${ids.join(",")}`,
  );

  const enrichedEvents = await client.query({
    query: `SELECT DISTINCT event_id FROM ${clickhouse.table("enriched_touchpoints")}
            WHERE customer_id IN {ids:Array(String)}`,
    query_params: { ids },
    format: "JSONEachRow",
  });
  const eventIds = (await enrichedEvents.json<{ event_id: string }>()).map((row) => row.event_id);
  const carried = Object.entries(identifierColumns).flatMap(([field, column]) => {
    const value = request.identifiers[field as keyof Touchpoint["identifiers"]];
    return value ? [{ column, value }] : [];
  });
  const identifierParams = Object.fromEntries(
    carried.map(({ value }, index) => [`identifier${index}`, value]),
  );
  const byIdentifier = carried
    .map(({ column }, index) => ` OR ${column} = {identifier${index}:String}`)
    .join("");
  await client.command({
    clickhouse_settings: asyncDelete,
    query: `DELETE FROM ${clickhouse.table("touchpoints")}
            WHERE (event_id IN {events:Array(String)}${byIdentifier}) AND occurred_at <= fromUnixTimestamp64Milli({until:Int64}, 'UTC')`,
    query_params: { events: eventIds, until, ...identifierParams },
  });
  for (const { table, customer, time } of customerTables) {
    const bound = time ? ` AND ${time} <= fromUnixTimestamp64Milli({until:Int64}, 'UTC')` : "";
    await client.command({
      query: `DELETE FROM ${clickhouse.table(table)} WHERE ${customer} IN {ids:Array(String)}${bound}`,
      query_params: { ids, until },
      clickhouse_settings: asyncDelete,
    });
  }
}

/** Stores each table's highest offset per partition, which the rows alone would lose on a delete. */
async function keepWatermarks(clickhouse: ClickHouse): Promise<void> {
  for (const table of offsetTables)
    await clickhouse.client.command({
      query: `INSERT INTO ${clickhouse.table("sink_watermarks")}
              SELECT {name:String}, source_cluster, source_partition, max(source_offset)
              FROM ${clickhouse.table(table)} GROUP BY source_cluster, source_partition`,
      query_params: { name: table },
    });
}
