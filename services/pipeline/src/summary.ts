import type { ClickHouse } from "@cx/clickhouse";

export interface ChannelSummaryRow {
  channel: string;
  touchpoints: string;
  customers: string;
  net_revenue: number;
}

/** Touchpoints, distinct customers and net revenue per channel, each event counted once. */
export async function channelSummary(clickhouse: ClickHouse): Promise<ChannelSummaryRow[]> {
  const result = await clickhouse.client.query({
    query: `SELECT channel,
                   count() AS touchpoints,
                   uniqExact(coalesce(loyalty_id, device_id, social_handle, event_id)) AS customers,
                   round(sum(coalesce(amount_minor, 0)) / 100, 2) AS net_revenue
            FROM ${clickhouse.table("touchpoints")} FINAL
            GROUP BY channel
            ORDER BY touchpoints DESC`,
    format: "JSONEachRow",
  });
  return result.json<ChannelSummaryRow>();
}
