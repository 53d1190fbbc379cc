-- Per offer, decisions made between two days and what became of them: delivered (a webhook
-- delivery the receiver acknowledged; only where the dispatcher runs), answered and accepted.
-- params: from Date, to Date
WITH decided AS
(
    SELECT decision_id, offer_id
    FROM {{database}}.offers FINAL
    WHERE toDate(decided_at) BETWEEN {from:Date} AND {to:Date}
)
SELECT
    offer_id,
    count() AS decided,
    countIf(decision_id IN (SELECT decision_id FROM {{database}}.offer_deliveries WHERE status = 'delivered')) AS delivered,
    countIf(decision_id IN (SELECT decision_id FROM {{database}}.offer_outcomes FINAL WHERE outcome != 'expired')) AS answered,
    countIf(decision_id IN (SELECT decision_id FROM {{database}}.offer_outcomes FINAL WHERE outcome = 'accepted')) AS accepted,
    round(accepted / decided, 3) AS acceptance_rate
FROM decided
GROUP BY offer_id
ORDER BY decided DESC, offer_id
