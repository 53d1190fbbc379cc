-- The Kafka cluster a touchpoint row came from: offsets restart on a new cluster (a fresh local
-- broker, a migration), so the sink's "already stored" watermark is per cluster and partition.
ALTER TABLE {{database}}.touchpoints
    ADD COLUMN IF NOT EXISTS source_cluster LowCardinality(String) DEFAULT '' AFTER attributes;
