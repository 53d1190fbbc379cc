-- Service per channel between two days: complaints, resolutions, average wait and handling time, NPS.
-- params: from Date, to Date
SELECT
    channel,
    sum(complaints) AS complaints,
    sum(resolved) AS resolved,
    round(avgMerge(wait_seconds), 1) AS average_wait_seconds,
    round(avgMerge(handle_seconds), 1) AS average_handle_seconds,
    round(avgMerge(nps), 2) AS average_nps,
    sum(nps_answers) AS nps_answers
FROM {{database}}.service_daily
WHERE day BETWEEN {from:Date} AND {to:Date}
GROUP BY channel
ORDER BY channel
