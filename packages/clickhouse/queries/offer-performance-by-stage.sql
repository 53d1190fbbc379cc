-- Per offer, channel and the customer's lifecycle stage when the offer was decided: decisions,
-- answers, acceptance rate and the value accepted offers brought.
-- params: from Date, to Date
SELECT
    offer_id,
    channel,
    stage,
    sum(decisions) AS decided,
    sum(accepted) AS accepted_offers,
    sum(declined) AS declined_offers,
    sum(expired) AS expired_offers,
    round(accepted_offers / nullIf(decided, 0), 3) AS acceptance_rate,
    sum(accepted_value_minor) / 100 AS accepted_value
FROM {{database}}.offer_stage_performance_daily
WHERE day BETWEEN {from:Date} AND {to:Date}
GROUP BY offer_id, channel, stage
ORDER BY decided DESC, offer_id, channel, stage
