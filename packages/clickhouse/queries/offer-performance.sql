-- Per offer and channel: decisions, answers, acceptance rate and the value accepted offers brought.
-- params: from Date, to Date
SELECT
    p.offer_id AS offer_id,
    p.channel AS channel,
    sum(p.decisions) AS decisions,
    sum(p.accepted) AS accepted,
    sum(p.declined) AS declined,
    sum(p.expired) AS expired,
    round(accepted / nullIf(decisions, 0), 3) AS acceptance_rate,
    sum(p.accepted_value_minor) / 100 AS accepted_value
FROM {{database}}.offer_performance_daily AS p
WHERE p.day BETWEEN {from:Date} AND {to:Date}
GROUP BY offer_id, channel
ORDER BY decisions DESC
