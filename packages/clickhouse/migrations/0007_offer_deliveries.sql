-- Every webhook delivery attempt of an offer (the dispatcher's cx.offer-deliveries): which endpoint,
-- which attempt, what came of it (delivered, retrying, failed, disabled, refused), the receiver's
-- HTTP status, how long it took and the error. Like the other raw tables it keeps its Kafka
-- position, so a redelivered batch adds nothing; an attempt is identified by decision and number
-- (a decision given up without a new attempt repeats the last number with status failed/disabled).

CREATE TABLE IF NOT EXISTS {{database}}.offer_deliveries
(
    decision_id String,
    customer_id String,
    offer_id LowCardinality(String),
    channel LowCardinality(String),
    endpoint LowCardinality(String),
    attempt UInt16,
    status LowCardinality(String),
    http_status Nullable(UInt16),
    latency_ms UInt32,
    error Nullable(String),
    attempted_at DateTime64(3, 'UTC'),
    next_attempt_at Nullable(DateTime64(3, 'UTC')),
    ingested_at DateTime64(3, 'UTC'),
    source_cluster LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(attempted_at)
ORDER BY (customer_id, decision_id, attempt, status)
SETTINGS non_replicated_deduplication_window = 10000;
