-- Per-customer journeys, customers per lifecycle stage per day, offer results per stage, the
-- customers the sink has closed (merged away or erased), and retention.

-- One row per customer (after merges of parts): the path across channels, with the sentiment,
-- stage and tier at each step. Read with groupArrayMerge(steps) and sort the array by time.
CREATE TABLE IF NOT EXISTS {{database}}.customer_journeys
(
    customer_id String,
    first_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    touchpoints SimpleAggregateFunction(sum, UInt64),
    channels SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    steps AggregateFunction(groupArray, Tuple(occurred_at DateTime64(3, 'UTC'), channel String, type String, sentiment Nullable(Float32), stage String, tier String))
)
ENGINE = AggregatingMergeTree
ORDER BY customer_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.customer_journeys_mv
TO {{database}}.customer_journeys AS
SELECT
    customer_id,
    min(occurred_at) AS first_at,
    max(occurred_at) AS last_at,
    toUInt64(count()) AS touchpoints,
    groupUniqArray(toString(channel)) AS channels,
    groupArrayState(CAST(
        (occurred_at, toString(channel), toString(type), sentiment, toString(stage), toString(tier)),
        'Tuple(occurred_at DateTime64(3, \'UTC\'), channel String, type String, sentiment Nullable(Float32), stage String, tier String)'
    )) AS steps
FROM {{database}}.enriched_touchpoints
GROUP BY customer_id;

-- Customers the sink has closed: merged into another customer, or erased. `stage_nets` cancels
-- what the customer's stage changes added to lifecycle_stage_flow_daily, so a person is counted
-- once (as the survivor) and an erased person not at all from the day of erasure on. The sink
-- writes it; no personal data beyond the pseudonymous customer id.
CREATE TABLE IF NOT EXISTS {{database}}.closed_customers
(
    customer_id String,
    closed_at DateTime64(3, 'UTC'),
    reason LowCardinality(String),
    stage_nets Array(Tuple(stage String, net Int64)),
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (customer_id, closed_at)
SETTINGS non_replicated_deduplication_window = 10000;

-- Net customers entering each stage per day; the running sum over days is the number of
-- customers in each stage on each day (query pack: lifecycle-stage-counts).
CREATE TABLE IF NOT EXISTS {{database}}.lifecycle_stage_flow_daily
(
    day Date,
    stage LowCardinality(String),
    net Int64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, stage);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.lifecycle_stage_flow_daily_mv
TO {{database}}.lifecycle_stage_flow_daily AS
SELECT toDate(changed_at) AS day, moved.1 AS stage, sum(moved.2) AS net
FROM {{database}}.lifecycle_stage_changes
ARRAY JOIN arrayFilter(m -> m.1 != '', [(toString(to_stage), toInt64(1)), (coalesce(toString(from_stage), ''), toInt64(-1))]) AS moved
GROUP BY day, stage;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.lifecycle_stage_closing_mv
TO {{database}}.lifecycle_stage_flow_daily AS
SELECT toDate(closed_at) AS day, closing.1 AS stage, sum(closing.2) AS net
FROM {{database}}.closed_customers
ARRAY JOIN stage_nets AS closing
GROUP BY day, stage;

-- Offer results per day × offer × channel × the customer's stage when the offer was decided.
ALTER TABLE {{database}}.offer_outcomes ADD COLUMN IF NOT EXISTS context LowCardinality(String) DEFAULT '' AFTER value_minor;

CREATE TABLE IF NOT EXISTS {{database}}.offer_stage_performance_daily
(
    day Date,
    offer_id LowCardinality(String),
    channel LowCardinality(String),
    stage LowCardinality(String),
    decisions UInt64,
    accepted UInt64,
    declined UInt64,
    ignored UInt64,
    expired UInt64,
    accepted_value_minor Int64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, offer_id, channel, stage);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.offer_stage_decisions_mv
TO {{database}}.offer_stage_performance_daily AS
SELECT toDate(decided_at) AS day, offer_id, channel, splitByChar('|', toString(context))[1] AS stage,
       count() AS decisions, 0 AS accepted, 0 AS declined, 0 AS ignored, 0 AS expired, 0 AS accepted_value_minor
FROM {{database}}.offers
GROUP BY day, offer_id, channel, stage;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.offer_stage_outcomes_mv
TO {{database}}.offer_stage_performance_daily AS
SELECT toDate(answered_at) AS day, offer_id, channel, splitByChar('|', toString(context))[1] AS stage, 0 AS decisions,
       countIf(outcome = 'accepted') AS accepted, countIf(outcome = 'declined') AS declined,
       countIf(outcome = 'ignored') AS ignored, countIf(outcome = 'expired') AS expired,
       sumIf(value_minor, outcome = 'accepted') AS accepted_value_minor
FROM {{database}}.offer_outcomes
GROUP BY day, offer_id, channel, stage;

-- Retention: what the contact policy refused is operational detail, kept 13 months (a year's
-- comparison); facts about customers stay until the customer is erased.
ALTER TABLE {{database}}.suppressed_decisions MODIFY TTL toDateTime(decided_at) + INTERVAL 13 MONTH;

-- The highest offset per table and partition the sink has written, kept apart from the rows:
-- erasure deletes rows, and the watermark must not move back with them.
CREATE TABLE IF NOT EXISTS {{database}}.sink_watermarks
(
    table_name LowCardinality(String),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(source_offset)
ORDER BY (table_name, source_cluster, source_partition);
