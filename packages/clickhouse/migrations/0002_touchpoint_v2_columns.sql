-- Columns for what touchpoint schema v2 added: discounts and margin, line items, experience
-- signals, offer responses, consent changes, social context and referrals. Older rows read the
-- defaults (0, [], NULL), the same values a v2 reader sees for a v1 record.
ALTER TABLE {{database}}.touchpoints
    ADD COLUMN IF NOT EXISTS source_system LowCardinality(String) DEFAULT '' AFTER type,
    ADD COLUMN IF NOT EXISTS discount_minor Int64 DEFAULT 0 AFTER currency,
    ADD COLUMN IF NOT EXISTS margin_minor Nullable(Int64) AFTER discount_minor,
    ADD COLUMN IF NOT EXISTS line_items Array(Tuple(sku String, quantity Int32, unit_price_minor Int64, discount_minor Int64)) AFTER margin_minor,
    ADD COLUMN IF NOT EXISTS satisfaction Nullable(UInt8) AFTER sentiment,
    ADD COLUMN IF NOT EXISTS effort Nullable(UInt8) AFTER satisfaction,
    ADD COLUMN IF NOT EXISTS nps Nullable(UInt8) AFTER effort,
    ADD COLUMN IF NOT EXISTS wait_seconds Nullable(UInt32) AFTER nps,
    ADD COLUMN IF NOT EXISTS handle_seconds Nullable(UInt32) AFTER wait_seconds,
    ADD COLUMN IF NOT EXISTS resolved Nullable(Bool) AFTER handle_seconds,
    ADD COLUMN IF NOT EXISTS offer_decision_id Nullable(String) AFTER resolved,
    ADD COLUMN IF NOT EXISTS offer_id Nullable(String) AFTER offer_decision_id,
    ADD COLUMN IF NOT EXISTS offer_outcome LowCardinality(Nullable(String)) AFTER offer_id,
    ADD COLUMN IF NOT EXISTS consent_scope LowCardinality(Nullable(String)) AFTER offer_outcome,
    ADD COLUMN IF NOT EXISTS consent_granted Nullable(Bool) AFTER consent_scope,
    ADD COLUMN IF NOT EXISTS social_network LowCardinality(Nullable(String)) AFTER consent_granted,
    ADD COLUMN IF NOT EXISTS social_reach Nullable(UInt64) AFTER social_network,
    ADD COLUMN IF NOT EXISTS rating Nullable(UInt8) AFTER social_reach,
    ADD COLUMN IF NOT EXISTS referred_key Nullable(String) AFTER rating,
    ADD COLUMN IF NOT EXISTS referral_converted Nullable(Bool) AFTER referred_key;
