-- Raw touchpoints as they arrived, one row per event id.
-- ReplacingMergeTree keyed on the event: a redelivered event (crash before the Kafka offset commit)
-- collapses into one row; queries that must count exactly use FINAL. The insert deduplication window
-- also drops a retried insert of the very same batch before it is ever written.
CREATE TABLE IF NOT EXISTS {{database}}.touchpoints
(
    event_id String,
    occurred_at DateTime64(3, 'UTC'),
    received_at DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    type LowCardinality(String),
    loyalty_id Nullable(String),
    email_hash Nullable(String),
    phone_hash Nullable(String),
    device_id Nullable(String),
    social_handle Nullable(String),
    amount_minor Nullable(Int64),
    currency LowCardinality(Nullable(String)),
    sentiment Nullable(Float32),
    attributes Map(String, String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (toDate(occurred_at), channel, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
