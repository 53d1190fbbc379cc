-- Raw tables for what the enricher and the offer service publish, one row per record. Every row
-- keeps its Kafka cluster id, partition and offset: the sink skips records at or below the highest
-- offset a table already holds for that cluster and partition, so a redelivered batch adds nothing
-- (and materialized aggregates count each record once). Each table is also a ReplacingMergeTree keyed on the
-- record's identity, a second guard; ORDER BY starts with the customer, partitions are months.

CREATE TABLE IF NOT EXISTS {{database}}.enriched_touchpoints
(
    event_id String,
    customer_id String,
    occurred_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    type LowCardinality(String),
    amount_minor Nullable(Int64),
    sentiment Nullable(Float32),
    tier LowCardinality(String),
    stage LowCardinality(String),
    next_stage LowCardinality(String),
    days_until_next_stage Nullable(Int32),
    current_value_minor Int64,
    predicted_value_minor Nullable(Int64),
    indirect_value_minor Int64,
    probability_alive Nullable(Float64),
    negative_value Bool,
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (customer_id, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{database}}.lifecycle_stage_changes
(
    customer_id String,
    from_stage LowCardinality(Nullable(String)),
    to_stage LowCardinality(String),
    changed_at DateTime64(3, 'UTC'),
    event_id String,
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(changed_at)
ORDER BY (customer_id, changed_at, event_id, to_stage)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{database}}.offers
(
    decision_id String,
    customer_id String,
    offer_id LowCardinality(String),
    kind LowCardinality(String),
    channel LowCardinality(String),
    trigger LowCardinality(String),
    decided_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    catalog_version LowCardinality(String),
    propensity Float64,
    context_weight Float64,
    value Float64,
    lever Float64,
    priority Float64,
    context LowCardinality(String),
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(decided_at)
ORDER BY (customer_id, decision_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{database}}.suppressed_decisions
(
    decision_id String,
    customer_id String,
    offer_id LowCardinality(String),
    channel LowCardinality(String),
    reason LowCardinality(String),
    trigger LowCardinality(String),
    decided_at DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(decided_at)
ORDER BY (customer_id, decision_id, offer_id, channel)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{database}}.offer_outcomes
(
    decision_id String,
    customer_id String,
    offer_id LowCardinality(String),
    channel LowCardinality(String),
    outcome LowCardinality(String),
    answered_at DateTime64(3, 'UTC'),
    value_minor Int64,
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(answered_at)
ORDER BY (customer_id, decision_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- The latest profile per customer: the topic's offset is the version (one customer's records stay
-- in one partition, in order), so FINAL keeps the newest; merged-away customers keep merged_into.
CREATE TABLE IF NOT EXISTS {{database}}.customer_profiles
(
    customer_id String,
    updated_at DateTime64(3, 'UTC'),
    merged_into Nullable(String),
    tier LowCardinality(String),
    stage LowCardinality(String),
    next_stage LowCardinality(String),
    current_value_minor Int64,
    predicted_value_minor Nullable(Int64),
    indirect_value_minor Int64,
    probability_alive Nullable(Float64),
    negative_value Bool,
    purchase_days UInt32,
    net_revenue_minor Int64,
    complaints UInt32,
    average_sentiment Nullable(Float64),
    nps_class LowCardinality(Nullable(String)),
    channels Array(LowCardinality(String)),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(source_offset)
ORDER BY customer_id;
