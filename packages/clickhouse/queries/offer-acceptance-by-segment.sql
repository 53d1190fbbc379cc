-- Offers decided between two days by the customer's lifecycle stage and value tier at the time of
-- the decision: how many, how many were accepted, and the acceptance rate.
-- params: from Date, to Date
SELECT
    splitByChar('|', toString(o.context))[1] AS stage,
    splitByChar('|', toString(o.context))[2] AS tier,
    count() AS decided,
    countIf(o.decision_id IN (SELECT decision_id FROM {{database}}.offer_outcomes FINAL WHERE outcome = 'accepted')) AS accepted,
    round(accepted / decided, 3) AS acceptance_rate
FROM {{database}}.offers AS o FINAL
WHERE toDate(o.decided_at) BETWEEN {from:Date} AND {to:Date}
GROUP BY stage, tier
ORDER BY stage, tier
