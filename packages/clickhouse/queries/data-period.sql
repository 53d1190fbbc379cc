-- The period the database holds touchpoints for: first and last day and how many touchpoints
-- (0 touchpoints: an empty database). The report's default --from/--to.
-- params: (none)
SELECT min(day) AS first_day, max(day) AS last_day, sum(touchpoints) AS touchpoints
FROM {{database}}.daily_channel_activity
