-- What the contact policy refused, by reason and channel, between two days.
-- params: from Date, to Date
SELECT reason, channel, sum(suppressed) AS suppressed
FROM {{database}}.suppressions_daily
WHERE day BETWEEN {from:Date} AND {to:Date}
GROUP BY reason, channel
ORDER BY suppressed DESC
