-- Whether the customer is in the offer engine's universal holdout (care, no marketing), as the
-- enricher marks it on enriched touchpoints and profiles (schema v2 of both), so treatment and
-- holdout can be compared (query pack: offer-uplift). Rows written before this column, and v1
-- records, read false (treatment): the flag was not recorded then, so measure periods after it.
ALTER TABLE {{database}}.enriched_touchpoints
    ADD COLUMN IF NOT EXISTS holdout Bool DEFAULT false AFTER negative_value;

ALTER TABLE {{database}}.customer_profiles
    ADD COLUMN IF NOT EXISTS holdout Bool DEFAULT false AFTER negative_value;
