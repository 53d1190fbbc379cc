-- One customer's path across channels, in order, with sentiment, stage and tier at each step.
-- params: customer String
SELECT occurred_at, channel, type, sentiment, stage, tier, amount_minor / 100 AS amount
FROM {{database}}.enriched_touchpoints FINAL
WHERE customer_id = {customer:String}
ORDER BY occurred_at, event_id
