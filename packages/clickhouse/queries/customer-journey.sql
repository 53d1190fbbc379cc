-- One customer's path across channels, in order, with sentiment, stage and tier at each step;
-- includes the touchpoints of customers later merged into them.
-- params: customer String
SELECT occurred_at, customer_id, channel, type, sentiment, stage, tier, amount_minor / 100 AS amount
FROM {{database}}.enriched_touchpoints FINAL
WHERE customer_id = {customer:String}
   OR customer_id IN (SELECT customer_id FROM {{database}}.customer_profiles FINAL
                      WHERE merged_into = {customer:String})
ORDER BY occurred_at, event_id
