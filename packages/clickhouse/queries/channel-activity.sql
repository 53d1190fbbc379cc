-- Touchpoints and net revenue per channel and type between two days (inclusive).
-- params: from Date, to Date
SELECT channel, type, sum(touchpoints) AS touchpoints, sum(revenue_minor) / 100 AS net_revenue
FROM {{database}}.daily_channel_activity
WHERE day BETWEEN {from:Date} AND {to:Date}
GROUP BY channel, type
ORDER BY touchpoints DESC
