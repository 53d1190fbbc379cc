-- Aggregates maintained by materialized views as rows arrive. The sink writes each record exactly
-- once (it skips offsets a table already holds), so the views count each record once too. Summing
-- and aggregating engines fold rows at merge time: read them with GROUP BY and sum()/…Merge().

-- Touchpoints and net revenue per day × channel × type.
CREATE TABLE IF NOT EXISTS {{database}}.daily_channel_activity
(
    day Date,
    channel LowCardinality(String),
    type LowCardinality(String),
    touchpoints UInt64,
    revenue_minor Int64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, channel, type);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.daily_channel_activity_mv
TO {{database}}.daily_channel_activity AS
SELECT
    toDate(occurred_at) AS day,
    channel,
    type,
    count() AS touchpoints,
    sum(if(type IN ('purchase', 'return'), coalesce(amount_minor, 0), 0)) AS revenue_minor
FROM {{database}}.touchpoints
GROUP BY day, channel, type;

-- Lifecycle transitions per day (from_stage '' = first seen).
CREATE TABLE IF NOT EXISTS {{database}}.lifecycle_transitions_daily
(
    day Date,
    from_stage LowCardinality(String),
    to_stage LowCardinality(String),
    customers UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, from_stage, to_stage);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.lifecycle_transitions_daily_mv
TO {{database}}.lifecycle_transitions_daily AS
SELECT toDate(changed_at) AS day, coalesce(from_stage, '') AS from_stage, to_stage, count() AS customers
FROM {{database}}.lifecycle_stage_changes
GROUP BY day, from_stage, to_stage;

-- Offers per day × offer × channel: decided, and what became of them.
CREATE TABLE IF NOT EXISTS {{database}}.offer_performance_daily
(
    day Date,
    offer_id LowCardinality(String),
    channel LowCardinality(String),
    decisions UInt64,
    accepted UInt64,
    declined UInt64,
    ignored UInt64,
    expired UInt64,
    accepted_value_minor Int64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, offer_id, channel);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.offer_decisions_daily_mv
TO {{database}}.offer_performance_daily AS
SELECT toDate(decided_at) AS day, offer_id, channel, count() AS decisions,
       0 AS accepted, 0 AS declined, 0 AS ignored, 0 AS expired, 0 AS accepted_value_minor
FROM {{database}}.offers
GROUP BY day, offer_id, channel;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.offer_outcomes_daily_mv
TO {{database}}.offer_performance_daily AS
SELECT toDate(answered_at) AS day, offer_id, channel, 0 AS decisions,
       countIf(outcome = 'accepted') AS accepted, countIf(outcome = 'declined') AS declined,
       countIf(outcome = 'ignored') AS ignored, countIf(outcome = 'expired') AS expired,
       sumIf(value_minor, outcome = 'accepted') AS accepted_value_minor
FROM {{database}}.offer_outcomes
GROUP BY day, offer_id, channel;

-- What the contact policy refused, per day × reason × channel × offer.
CREATE TABLE IF NOT EXISTS {{database}}.suppressions_daily
(
    day Date,
    reason LowCardinality(String),
    channel LowCardinality(String),
    offer_id LowCardinality(String),
    suppressed UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, reason, channel, offer_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.suppressions_daily_mv
TO {{database}}.suppressions_daily AS
SELECT toDate(decided_at) AS day, reason, channel, offer_id, count() AS suppressed
FROM {{database}}.suppressed_decisions
GROUP BY day, reason, channel, offer_id;

-- Service per day × channel: complaints, waits, handling, resolution and NPS.
CREATE TABLE IF NOT EXISTS {{database}}.service_daily
(
    day Date,
    channel LowCardinality(String),
    complaints SimpleAggregateFunction(sum, UInt64),
    resolved SimpleAggregateFunction(sum, UInt64),
    wait_seconds AggregateFunction(avg, Nullable(UInt32)),
    handle_seconds AggregateFunction(avg, Nullable(UInt32)),
    nps AggregateFunction(avg, Nullable(UInt8)),
    nps_answers SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, channel);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.service_daily_mv
TO {{database}}.service_daily AS
SELECT
    toDate(t.occurred_at) AS day,
    t.channel AS channel,
    toUInt64(countIf(t.type = 'complaint')) AS complaints,
    toUInt64(countIf(t.resolved = true)) AS resolved,
    avgState(t.wait_seconds) AS wait_seconds,
    avgState(t.handle_seconds) AS handle_seconds,
    avgState(t.nps) AS nps,
    toUInt64(countIf(t.nps IS NOT NULL)) AS nps_answers
FROM {{database}}.touchpoints AS t
GROUP BY day, channel;
